import type { DataSource } from 'typeorm';
import type { Deal, RunningEmulator } from '../../../src/emulator/index.js';

/** The ORIGINATOR_ID of ORDERS_MAPPING. */
export const ORIGINATOR_ID = 'erp-test';

/** Runs SQL against the state database and returns the rows (a DataSource, a pg pool…). */
export type StateQuery = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export const stateQueryOf =
  (dataSource: DataSource): StateQuery =>
  <T>(sql: string, params: unknown[] = []) =>
    dataSource.query<T[]>(sql, params);

/** The portal's deals grouped by ORIGIN_ID (more than one per key is a duplicate). */
export function dealsByOrigin(emulator: RunningEmulator): Map<string, Deal[]> {
  const groups = new Map<string, Deal[]>();
  for (const deal of emulator.deals()) {
    const key = String(deal.ORIGIN_ID);
    groups.set(key, [...(groups.get(key) ?? []), deal]);
  }
  return groups;
}

export interface LinkRow {
  readonly dealId: number | null;
  readonly removed: boolean;
  readonly failedAttempts: number;
  readonly parked: boolean;
  readonly retryAt: Date | null;
  readonly updatedAt: Date;
  readonly lastError: string | null;
}

export async function linkTable(dataSource: DataSource): Promise<Map<string, LinkRow>> {
  const rows = await dataSource.query<Array<LinkRow & { erpKey: string }>>(
    `SELECT erp_key AS "erpKey", deal_id AS "dealId", removed, failed_attempts AS "failedAttempts", parked,
            retry_at AS "retryAt", updated_at AS "updatedAt", last_error AS "lastError"
       FROM deal_link`,
  );
  return new Map(rows.map(({ erpKey, ...link }) => [erpKey, link]));
}

export interface OperationRow {
  readonly erp_key: string;
  readonly action: string;
  readonly status: string;
  readonly deal_id: number | null;
  readonly attempt: number;
  readonly changes: Record<string, { old: unknown; new: unknown }>;
  readonly error_code: string | null;
  readonly error_message: string | null;
}

export function operationsOf(dataSource: DataSource, runId: number): Promise<OperationRow[]> {
  return dataSource.query<OperationRow[]>(
    `SELECT erp_key, action, status, deal_id, attempt, changes, error_code, error_message
       FROM sync_operation WHERE run_id = $1 ORDER BY id`,
    [runId],
  );
}

/** What "every row synced exactly once" looks like; compare with `exactlyOnce(rows)`. */
export interface SyncIntegrity {
  readonly deals: number;
  readonly distinctOrigins: number;
  readonly foreignDeals: number;
  readonly links: number;
  /** Keys whose link does not point at a deal carrying that key as ORIGIN_ID. */
  readonly mislinked: readonly string[];
  readonly openOperations: number;
}

export const exactlyOnce = (rows: number): SyncIntegrity => ({
  deals: rows,
  distinctOrigins: rows,
  foreignDeals: 0,
  links: rows,
  mislinked: [],
  openOperations: 0,
});

/** Portal deals against the state database's links and outbox. */
export async function syncIntegrity(emulator: RunningEmulator, query: StateQuery): Promise<SyncIntegrity> {
  const deals = emulator.deals();
  const byId = new Map(deals.map((deal) => [Number(deal.ID), deal]));
  const links = await query<{ erp_key: string; deal_id: number | null }>(
    `SELECT erp_key, deal_id FROM deal_link`,
  );
  const [{ open }] = await query<{ open: number }>(
    `SELECT count(*)::int AS open FROM sync_operation WHERE status IN ('pending', 'in_flight')`,
  );
  return {
    deals: deals.length,
    distinctOrigins: new Set(deals.map((deal) => deal.ORIGIN_ID)).size,
    foreignDeals: deals.filter((deal) => deal.ORIGINATOR_ID !== ORIGINATOR_ID).length,
    links: links.length,
    mislinked: links
      .filter((link) => byId.get(link.deal_id ?? 0)?.ORIGIN_ID !== link.erp_key)
      .map((link) => link.erp_key),
    openOperations: open,
  };
}

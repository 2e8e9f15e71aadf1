import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RunStatus } from './entities/sync-run.entity.js';

/**
 * A failed link's error, normalised so that rows failing for the same reason share it: the first
 * ERROR_PREFIX_LENGTH characters (a 1 MB message costs nothing more), digit runs (ids, amounts, line numbers)
 * as `#`. Used both to group and to select a group's keys again, so both sides use this one expression.
 */
const ERROR_PREFIX_LENGTH = 300;
const FINGERPRINT = `regexp_replace(left(coalesce(last_error, ''), ${ERROR_PREFIX_LENGTH}), '[0-9]+', '#', 'g')`;
/** Links that need an operator's eye now: failed at least once since their last success, parked or not. */
const NEEDS_ATTENTION = `failed_attempts > 0`;
const EXAMPLE_LENGTH = 2000;

export interface AttentionFilter {
  readonly mapping?: string;
  /** Case-insensitive part of the normalised error. */
  readonly errorContains?: string;
  /** Only rows whose last failure is at or after this time. */
  readonly since?: Date;
}

export interface AttentionGroupRow {
  readonly mapping: string;
  readonly fingerprint: string;
  readonly rows: number;
  readonly parked: number;
  readonly exampleKey: string;
  readonly exampleError: string;
  readonly lastFailedAt: Date;
}

export interface AttentionKeyRow {
  readonly erpKey: string;
  readonly dealId: number | null;
  readonly parked: boolean;
  readonly failedAttempts: number;
  readonly retryAt: Date | null;
  readonly lastError: string;
  readonly lastFailedAt: Date;
}

export interface MappingAttentionCounts {
  readonly failed: number;
  readonly parked: number;
}

export interface RecentRunRow {
  readonly id: number;
  readonly mapping: string;
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface SearchHit {
  readonly mapping: string;
  readonly erpKey: string;
  readonly dealId: number | null;
  readonly failedAttempts: number;
  readonly parked: boolean;
  readonly linked: boolean;
}

/** The operator console's read queries over the sync log: attention, health, search, run context. */
@Injectable()
export class SyncConsoleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Failed and parked rows now (link state, not per run), grouped by mapping and normalised error. */
  async attentionGroups(filter: AttentionFilter): Promise<AttentionGroupRow[]> {
    const rows = await this.dataSource.query<
      Array<Omit<AttentionGroupRow, 'lastFailedAt'> & { lastFailedAt: Date | string }>
    >(
      `SELECT mapping, fingerprint, count(*)::int AS rows, (count(*) FILTER (WHERE parked))::int AS parked,
              min(erp_key) AS "exampleKey",
              (array_agg(example ORDER BY erp_key))[1] AS "exampleError", max(updated_at) AS "lastFailedAt"
         FROM (SELECT mapping, erp_key, parked, updated_at, ${FINGERPRINT} AS fingerprint,
                      left(coalesce(last_error, ''), ${EXAMPLE_LENGTH}) AS example
                 FROM deal_link
                WHERE ${NEEDS_ATTENTION} AND ($1::text IS NULL OR mapping = $1)
                  AND ($2::timestamptz IS NULL OR updated_at >= $2)) AS attention
        WHERE $3::text IS NULL OR strpos(lower(fingerprint), lower($3)) > 0
        GROUP BY mapping, fingerprint
        ORDER BY count(*) DESC, mapping, fingerprint`,
      [filter.mapping ?? null, filter.since ?? null, filter.errorContains ?? null],
    );
    return rows.map((row) => ({ ...row, lastFailedAt: new Date(row.lastFailedAt) }));
  }

  /** The rows of one attention group, in key order (for "retry these" and the CSV export). */
  async attentionKeys(
    mapping: string,
    fingerprint: string,
    since: Date | undefined,
    limit: number,
  ): Promise<AttentionKeyRow[]> {
    const rows = await this.dataSource.query<AttentionKeyRow[]>(
      `SELECT erp_key AS "erpKey", deal_id AS "dealId", parked, failed_attempts AS "failedAttempts",
              retry_at AS "retryAt", left(coalesce(last_error, ''), ${EXAMPLE_LENGTH}) AS "lastError",
              updated_at AS "lastFailedAt"
         FROM deal_link
        WHERE mapping = $1 AND ${NEEDS_ATTENTION} AND ${FINGERPRINT} = $2
          AND ($3::timestamptz IS NULL OR updated_at >= $3)
        ORDER BY erp_key
        LIMIT $4`,
      [mapping, fingerprint, since ?? null, limit],
    );
    return rows;
  }

  async attentionCounts(mappings: readonly string[]): Promise<Map<string, MappingAttentionCounts>> {
    const rows = await this.dataSource.query<Array<{ mapping: string } & MappingAttentionCounts>>(
      `SELECT mapping, (count(*) FILTER (WHERE NOT parked))::int AS failed,
              (count(*) FILTER (WHERE parked))::int AS parked
         FROM deal_link WHERE ${NEEDS_ATTENTION} AND mapping = ANY($1) GROUP BY mapping`,
      [mappings],
    );
    return new Map(rows.map((row) => [row.mapping, { failed: row.failed, parked: row.parked }]));
  }

  /** When each mapping's newest successful (not dry) run finished. */
  async lastSucceededAt(mappings: readonly string[]): Promise<Map<string, Date>> {
    const rows = await this.dataSource.query<Array<{ mapping: string; finishedAt: Date | string }>>(
      `SELECT m.name AS mapping, r.finished_at AS "finishedAt"
         FROM unnest($1::text[]) AS m (name)
         CROSS JOIN LATERAL (SELECT finished_at FROM sync_run
                              WHERE mapping = m.name AND status = 'succeeded' AND NOT dry_run
                              ORDER BY created_at DESC LIMIT 1) AS r`,
      [mappings],
    );
    return new Map(rows.map((row) => [row.mapping, new Date(row.finishedAt)]));
  }

  /** Each mapping's newest `perMapping` runs, newest first. */
  async recentRuns(mappings: readonly string[], perMapping: number): Promise<RecentRunRow[]> {
    return this.dataSource.query<RecentRunRow[]>(
      `SELECT r.id, m.name AS mapping, r.status, r.dry_run AS "dryRun", r.started_at AS "startedAt",
              r.finished_at AS "finishedAt"
         FROM unnest($1::text[]) AS m (name)
         CROSS JOIN LATERAL (SELECT id, status, dry_run, started_at, finished_at FROM sync_run
                              WHERE mapping = m.name ORDER BY created_at DESC, id DESC LIMIT $2) AS r
        ORDER BY m.name, r.id DESC`,
      [mappings, perMapping],
    );
  }

  /** Links and logged operations whose ERP key is `text`, or whose Bitrix24 id is `dealId`, in these mappings. */
  async search(
    mappings: readonly string[],
    text: string,
    dealId: number | null,
    limit: number,
  ): Promise<SearchHit[]> {
    return this.dataSource.query<SearchHit[]>(
      `SELECT mapping, erp_key AS "erpKey", deal_id AS "dealId", failed_attempts AS "failedAttempts", parked,
              true AS linked
         FROM deal_link WHERE mapping = ANY($1) AND (erp_key = $2 OR deal_id = $3)
       UNION ALL
       SELECT DISTINCT o.mapping, o.erp_key, NULL::int, 0, false, false
         FROM sync_operation o
        WHERE o.mapping = ANY($1) AND o.erp_key = $2
          AND NOT EXISTS (SELECT 1 FROM deal_link l WHERE l.mapping = o.mapping AND l.erp_key = o.erp_key)
       ORDER BY 1, 2
       LIMIT $4`,
      [mappings, text, dealId, limit],
    );
  }

  /** The ERP key a mapping's link table holds for this Bitrix24 id (a link field's parent), if any. */
  async keyOfCrmId(mapping: string, crmId: number): Promise<string | null> {
    const [row] = await this.dataSource.query<Array<{ erpKey: string }>>(
      `SELECT erp_key AS "erpKey" FROM deal_link WHERE mapping = $1 AND deal_id = $2`,
      [mapping, crmId],
    );
    return row?.erpKey ?? null;
  }

  /**
   * Live links of `mapping` whose last pushed `field` is `crmId` (the children of a record, e.g. a company's deals),
   * in key order, with their number. The payload is not indexed: fine for one record page, not for a report.
   */
  async linkedChildren(
    mapping: string,
    field: string,
    crmId: number,
    limit: number,
  ): Promise<{ total: number; records: Array<{ erpKey: string; crmId: number | null }> }> {
    const records = await this.dataSource.query<
      Array<{ erpKey: string; crmId: number | null; total: number }>
    >(
      `SELECT erp_key AS "erpKey", deal_id AS "crmId", count(*) OVER ()::int AS total FROM deal_link
        WHERE mapping = $1 AND NOT removed AND payload ->> $2 = $3::text
        ORDER BY erp_key LIMIT $4`,
      [mapping, field, crmId, limit],
    );
    return {
      total: records[0]?.total ?? 0,
      records: records.map(({ erpKey, crmId: id }) => ({ erpKey, crmId: id })),
    };
  }

  /** Of a run's failed rows, how many a later run finished (their link is clean and synced after the failure). */
  async failedRowsFinishedLater(runId: number): Promise<{ failed: number; finishedLater: number }> {
    const [row] = await this.dataSource.query<Array<{ failed: number; finishedLater: number }>>(
      `SELECT count(DISTINCT o.erp_key)::int AS failed,
              (count(DISTINCT o.erp_key) FILTER (WHERE l.failed_attempts = 0 AND l.synced_at > o.finished_at))::int
                AS "finishedLater"
         FROM sync_operation o
         LEFT JOIN deal_link l ON l.mapping = o.mapping AND l.erp_key = o.erp_key
        WHERE o.run_id = $1 AND o.status IN ('failed', 'parked')`,
      [runId],
    );
    return row ?? { failed: 0, finishedLater: 0 };
  }

  /** What a queued run waits for: the mapping's running run (it holds the lock), else the queued run before it. */
  async blockingRun(mapping: string, runId: number): Promise<{ id: number; status: RunStatus } | null> {
    const [row] = await this.dataSource.query<Array<{ id: number; status: RunStatus }>>(
      `SELECT id, status FROM sync_run
        WHERE mapping = $1 AND id <> $2 AND (status = 'running' OR (status = 'queued' AND id < $2))
        ORDER BY (status = 'running') DESC, id DESC
        LIMIT 1`,
      [mapping, runId],
    );
    return row ?? null;
  }

  /** Which of these runs were dry runs. */
  async dryRunIds(runIds: readonly number[]): Promise<Set<number>> {
    if (runIds.length === 0) {
      return new Set();
    }
    const rows = await this.dataSource.query<Array<{ id: number }>>(
      `SELECT id FROM sync_run WHERE id = ANY($1) AND dry_run`,
      [runIds],
    );
    return new Set(rows.map((row) => row.id));
  }
}

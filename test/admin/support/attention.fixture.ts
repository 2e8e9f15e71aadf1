import type { DataSource } from 'typeorm';
import { RunStatus, type SyncRun } from '../../../src/persistence/entities/sync-run.entity.js';
import { ago, seedRun } from './sync-log.factory.js';

export const STAGE_ERROR = { code: 'ERROR_CORE', message: 'Stage "SHIPPED" does not exist in funnel 0' };
/** The portal sends no code for this one; the message carries the row's own number. */
export const AMOUNT_ERROR = {
  code: '',
  message: (key: number) => `Field OPPORTUNITY: value "${key}.5 EUR" is not a number`,
};

export interface AttentionFixture {
  readonly run: SyncRun;
  /** Keys failing with STAGE_ERROR (the first `parked` of them parked). */
  readonly stageKeys: string[];
  readonly amountKeys: string[];
  readonly syncedKeys: string[];
  readonly parked: number;
}

export interface AttentionFixtureOptions {
  readonly mapping?: string;
  readonly stageRows?: number;
  readonly amountRows?: number;
  readonly syncedRows?: number;
  readonly parked?: number;
  /** When the run failed the rows. */
  readonly failedAgoMs?: number;
}

/**
 * What the demo shows after a bad ERP import: one run in which hundreds of rows fail for two reasons, as the
 * engine records them (a failed or parked operation per row, and the row's link with its failure count and
 * `CODE: message`), next to rows that synced.
 */
export async function seedAttentionFixture(
  dataSource: DataSource,
  options: AttentionFixtureOptions = {},
): Promise<AttentionFixture> {
  const {
    mapping = 'odoo-orders',
    stageRows = 180,
    amountRows = 120,
    syncedRows = 60,
    parked = 30,
  } = options;
  const failedAt = ago(options.failedAgoMs ?? 10 * 60_000);
  const run = await seedRun(dataSource, {
    mapping,
    status: RunStatus.PartiallyFailed,
    createdAt: new Date(failedAt.getTime() - 60_000),
    startedAt: new Date(failedAt.getTime() - 59_000),
    finishedAt: failedAt,
    rowsRead: stageRows + amountRows + syncedRows,
    cursorFrom: { value: new Date(failedAt.getTime() - 3_600_000).toISOString(), key: ['0'] },
    cursorTo: {
      value: new Date(failedAt.getTime() - 120_000).toISOString(),
      key: [String(stageRows + amountRows + syncedRows)],
    },
    planned: stageRows + amountRows + syncedRows,
    applied: syncedRows,
    updated: syncedRows,
    failed: stageRows + amountRows,
  });
  const keys = (from: number, count: number) =>
    Array.from({ length: count }, (_, index) => String(from + index));
  const stageKeys = keys(1, stageRows);
  const amountKeys = keys(stageRows + 1, amountRows);
  const syncedKeys = keys(stageRows + amountRows + 1, syncedRows);
  const failures = [
    ...stageKeys.map((key, index) => ({
      key,
      code: STAGE_ERROR.code,
      message: STAGE_ERROR.message,
      parked: index < parked,
    })),
    ...amountKeys.map((key) => ({
      key,
      code: AMOUNT_ERROR.code,
      message: AMOUNT_ERROR.message(Number(key)),
      parked: false,
    })),
  ];
  await dataSource.query(
    `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, deal_id, fields, changes, attempt,
                                 error_code, error_message, created_at, updated_at, finished_at)
     SELECT $1, $2, f.key, 'update', CASE WHEN f.parked THEN 'parked' ELSE 'failed' END::operation_status,
            9000 + f.key::int, '{"STAGE_ID":"SHIPPED"}', '{"STAGE_ID":{"old":"EXECUTING","new":"SHIPPED"}}', 1,
            f.code, f.message, $3, $3, $3
       FROM unnest($4::text[], $5::text[], $6::text[], $7::boolean[]) AS f (key, code, message, parked)`,
    [
      run.id,
      mapping,
      failedAt,
      failures.map((failure) => failure.key),
      failures.map((failure) => failure.code),
      failures.map((failure) => failure.message),
      failures.map((failure) => failure.parked),
    ],
  );
  await dataSource.query(
    `INSERT INTO deal_link (mapping, erp_key, deal_id, payload, payload_hash, synced_at, failed_attempts, last_error,
                            retry_at, parked, created_at, updated_at)
     SELECT $1, f.key, 9000 + f.key::int, '{"STAGE_ID":"EXECUTING"}', 'hash-' || f.key, $2::timestamptz - interval '1 day',
            CASE WHEN f.parked THEN 5 ELSE 1 END, f.code || ': ' || f.message,
            CASE WHEN f.parked THEN NULL ELSE $2::timestamptz + interval '1 hour' END, f.parked, $2::timestamptz - interval '1 day', $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[]) AS f (key, code, message, parked)`,
    [
      mapping,
      failedAt,
      failures.map((failure) => failure.key),
      failures.map((failure) => failure.code),
      failures.map((failure) => failure.message),
      failures.map((failure) => failure.parked),
    ],
  );
  await dataSource.query(
    `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, deal_id, fields, changes, attempt,
                                 created_at, updated_at, finished_at)
     SELECT $1, $2, k, 'update', 'succeeded', 9000 + k::int, '{}', '{"TITLE":{"old":"a","new":"b"}}', 1, $3, $3, $3
       FROM unnest($4::text[]) AS k`,
    [run.id, mapping, failedAt, syncedKeys],
  );
  await dataSource.query(
    `INSERT INTO deal_link (mapping, erp_key, deal_id, payload, payload_hash, synced_at, created_at, updated_at)
     SELECT $1, k, 9000 + k::int, '{"TITLE":"b"}', 'hash-' || k, $2, $2, $2 FROM unnest($3::text[]) AS k`,
    [mapping, failedAt, syncedKeys],
  );
  return { run, stageKeys, amountKeys, syncedKeys, parked };
}

/** What a later successful run does to fixed rows (sync-outcome.repository's confirm): clean links, synced now. */
export async function confirmFixed(
  dataSource: DataSource,
  mapping: string,
  erpKeys: readonly string[],
): Promise<void> {
  const later = await seedRun(dataSource, {
    mapping,
    createdAt: ago(2000),
    startedAt: ago(1900),
    finishedAt: ago(100),
  });
  await dataSource.query(
    `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, deal_id, fields, changes, attempt,
                                 created_at, updated_at, finished_at)
     SELECT $1, $2, k, 'update', 'succeeded', 9000 + k::int, '{}', '{}', 1, now(), now(), now()
       FROM unnest($3::text[]) AS k`,
    [later.id, mapping, erpKeys],
  );
  await dataSource.query(
    `UPDATE deal_link SET failed_attempts = 0, last_error = NULL, retry_at = NULL, parked = false, synced_at = now(),
            updated_at = now()
      WHERE mapping = $1 AND erp_key = ANY($2::text[])`,
    [mapping, erpKeys],
  );
}

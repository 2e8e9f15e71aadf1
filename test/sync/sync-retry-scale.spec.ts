import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RunStatus, RunTrigger } from '../../src/persistence/entities/sync-run.entity.js';
import { dealsByOrigin } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

/** More keys than PostgreSQL's 65,535 bind parameters per statement. */
const FAILED_ROWS = 70_000;
/** The ERP still has these; the other failed keys' rows are gone. */
const ERP_ROWS = 20;

describe('an operator retry of a run with 70,000 failed rows', () => {
  let harness: SyncHarness;
  let failedRun: number;

  beforeAll(async () => {
    harness = await startSyncHarness({ rows: ERP_ROWS });
    // Cheap: the failed run is written in SQL, not synced.
    const [{ id }] = await harness.dataSource.query<Array<{ id: number }>>(
      `INSERT INTO sync_run (mapping, trigger, mode, status, started_at, finished_at, failed)
       VALUES ('orders', 'manual', 'incremental', 'partially_failed', now(), now(), $1) RETURNING id`,
      [FAILED_ROWS],
    );
    failedRun = id;
    await harness.dataSource.query(
      `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, fields, changes, error_code,
                                   error_message, finished_at)
       SELECT $1, 'orders', n::text, 'create', 'parked', '{}', '{}', '', 'Invalid value for the Currency field', now()
         FROM generate_series(1, $2::int) AS n`,
      [failedRun, FAILED_ROWS],
    );
    // A row that failed without a key (NULL key column): nothing a retry can read again.
    await harness.dataSource.query(
      `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, fields, changes, error_code, error_message)
       VALUES ($1, 'orders', '(no key)', 'create', 'failed', '{}', '{}', 'null_key', 'key column id is NULL')`,
      [failedRun],
    );
    await harness.dataSource.query(
      `INSERT INTO deal_link (mapping, erp_key, failed_attempts, last_error, retry_at, parked)
       SELECT 'orders', n::text, 3, ': Invalid value for the Currency field', now() + interval '1 day', true
         FROM generate_series(1, $1::int) AS n`,
      [FAILED_ROWS],
    );
  });

  afterAll(() => harness?.close());

  it('releases every key in one statement and syncs the rows the ERP still has, leaving out keyless rows', async () => {
    const retryId = await harness.sync.retry(failedRun);
    const retry = await harness.waitForRun(retryId);

    expect(retry).toMatchObject({
      trigger: RunTrigger.Retry,
      status: RunStatus.Succeeded,
      created: ERP_ROWS,
    });
    expect(retry.erpKeys).toHaveLength(FAILED_ROWS);
    expect(dealsByOrigin(harness.emulator).size).toBe(ERP_ROWS);
    const [links] = await harness.dataSource.query<Array<{ parked: number; due: number; synced: number }>>(
      `SELECT count(*) FILTER (WHERE parked)::int AS parked,
              count(*) FILTER (WHERE failed_attempts = 1 AND retry_at <= now())::int AS due,
              count(*) FILTER (WHERE deal_id IS NOT NULL AND failed_attempts = 0)::int AS synced
         FROM deal_link`,
    );
    expect(links).toEqual({ parked: 0, due: FAILED_ROWS - ERP_ROWS, synced: ERP_ROWS });
  });
});

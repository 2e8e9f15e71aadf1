import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunMode, RunStatus, RunTrigger, SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { exactlyOnce, stateQueryOf, syncIntegrity } from './support/sync-assertions.js';
import { ORDERS_MAPPING } from './support/erp-orders.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 3_000;
const PAGE = 100;

/** A run plans and sends at once: Bitrix24 gets its first batch while the ERP is still being read. */
describe('a pipelined run', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({ rows: ROWS, mappingYaml: ORDERS_MAPPING({ pageSize: PAGE }) });
  });

  afterAll(() => harness?.close());

  it('sends its first deals before it has read the last page, and ends with every deal exactly once', async () => {
    const runId = await harness.sync.requestRun({
      mapping: harness.config.mappings[0].name,
      mode: RunMode.Incremental,
      trigger: RunTrigger.Manual,
    });
    const runs = harness.dataSource.getRepository(SyncRun);
    while (harness.emulator.deals().length === 0) {
      await sleep(5);
    }
    const atFirstDeal = await runs.findOneByOrFail({ id: runId });

    const run = await harness.waitForRun(runId);

    expect(atFirstDeal.rowsRead).toBeLessThan(ROWS);
    expect(run).toMatchObject({ status: RunStatus.Succeeded, rowsRead: ROWS, created: ROWS });
    expect(await syncIntegrity(harness.emulator, stateQueryOf(harness.dataSource))).toEqual(
      exactlyOnce(ROWS),
    );
  });
});

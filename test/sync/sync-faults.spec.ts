import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RunStatus, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { exactlyOnce, stateQueryOf, syncIntegrity } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 2_000;
/** Runs allowed to finish the job: a run ends partially failed while outcomes stay unknown after its passes. */
const MAX_RUNS = 6;
// Timeouts below are hang guards, not speed limits: on a machine four times slower than CI the runs take a
// small fraction of them.
const FAULTS = { dropRate: 0.1, commitThenDropRate: 0.1, serverErrorRate: 0.05, seed: 20261128 };

describe('a sync through a portal that drops connections, loses answers and fails with 5xx', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({ rows: ROWS, emulator: { faults: FAULTS } });
  }, 300_000);

  afterAll(() => harness?.close());

  it('ends with exactly one deal per row and every link on its own deal', async () => {
    const runs: SyncRun[] = [];
    do {
      runs.push(await harness.run());
    } while (runs.at(-1)?.status !== RunStatus.Succeeded && runs.length < MAX_RUNS);

    expect(runs.map((run) => run.status).at(-1)).toBe(RunStatus.Succeeded);
    // The faults did strike writes: some operations had to be resolved and sent again.
    expect(harness.emulator.stats().faults['commit-then-drop']).toBeGreaterThan(0);
    const [{ resent }] = await harness.dataSource.query<Array<{ resent: number }>>(
      `SELECT count(*)::int AS resent FROM sync_operation WHERE attempt > 1`,
    );
    expect(resent).toBeGreaterThan(0);
    expect(await syncIntegrity(harness.emulator, stateQueryOf(harness.dataSource))).toEqual(
      exactlyOnce(ROWS),
    );
  }, 600_000);

  it('creates nothing more on the next run', async () => {
    const before = harness.emulator.deals().length;

    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 0, failed: 0 });
    expect(harness.emulator.deals()).toHaveLength(before);
  }, 300_000);
});

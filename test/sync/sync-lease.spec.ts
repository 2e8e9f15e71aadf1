import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  RunMode,
  RunStatus,
  RunTrigger,
  type SyncRun,
} from '../../src/persistence/entities/sync-run.entity.js';
import { runLockName } from '../../src/sync/run-lock.js';
import { exactlyOnce, stateQueryOf, syncIntegrity } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 5_000;
/** A slower portal than the other specs' (10 requests/s, burst 50): the run lasts seconds, long enough to strike. */
const SLOW = { emulator: { clockSpeed: 5 }, env: { BITRIX24_RATE_LIMIT: '10/50', RUN_LEASE_TTL: '20s' } };
const POLL_MS = 20;

/**
 * DESIGN §3 invariant 6: one run per mapping at a time, fenced without trusting the advisory lock. The lock lives on
 * one idle connection; when that connection alone dies, a second engine gets the lock while the first still runs.
 */
describe('two engines on one state database when the run lock connection dies', () => {
  let engines: SyncHarness[] = [];

  afterEach(async () => {
    // The second engine first: the first one owns the shared portal, ERP and state database and drops them.
    for (const engine of engines) {
      await engine.close();
    }
    engines = [];
  });

  const twoEngines = async (): Promise<[SyncHarness, SyncHarness]> => {
    const first = await startSyncHarness({ rows: ROWS, ...SLOW });
    const second = await startSyncHarness({
      rows: 0,
      env: SLOW.env,
      shared: { emulator: first.emulator, erp: first.erp, state: first.state },
    });
    engines = [second, first];
    return [first, second];
  };

  const mapping = (engine: SyncHarness) => engine.config.mappings[0].name;

  const requestRun = (engine: SyncHarness) =>
    engine.sync.requestRun({
      mapping: mapping(engine),
      mode: RunMode.Incremental,
      trigger: RunTrigger.Manual,
    });

  /** Waits until the run is sending (some deals exist) and returns how many deals there are then. */
  const untilSending = async (engine: SyncHarness, runId: number): Promise<number> => {
    for (;;) {
      const run = await engine.dataSource.query<SyncRun[]>(`SELECT status FROM sync_run WHERE id = $1`, [
        runId,
      ]);
      if (run[0]?.status === RunStatus.Running && engine.emulator.deals().length > 0) {
        return engine.emulator.deals().length;
      }
      await sleep(POLL_MS);
    }
  };

  /** A connection of the test's own to the shared state database, outside both engines' pools. */
  const withAdmin = async <T>(engine: SyncHarness, work: (admin: pg.Client) => Promise<T>): Promise<T> => {
    const admin = new pg.Client({ connectionString: engine.state.url });
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.end();
    }
  };

  /** What pg_terminate_backend does to the lock's connection: an administrator, a pooler or a failover. */
  const killLockConnection = (engine: SyncHarness): Promise<number> =>
    withAdmin(engine, async (admin) => {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objid = hashtext($1)::oid
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [runLockName(mapping(engine))],
      );
      return killed.rowCount ?? 0;
    });

  /** A pool notices a terminated idle connection when its server says so, or at the first query on it. */
  const untilPoolsRecovered = async (engines: SyncHarness[]): Promise<void> => {
    for (const engine of engines) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const ok = await Promise.all(Array.from({ length: 10 }, () => engine.dataSource.query('SELECT 1')))
          .then(() => true)
          .catch(() => false);
        if (ok) {
          break;
        }
      }
    }
  };

  const lockHolders = async (engine: SyncHarness): Promise<number> => {
    const [row] = await engine.dataSource.query<Array<{ holders: number }>>(
      `SELECT count(*)::int AS holders FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objid = hashtext($1)::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [runLockName(mapping(engine))],
    );
    return row.holders;
  };

  const untilLockGone = async (engine: SyncHarness): Promise<void> => {
    while ((await lockHolders(engine)) > 0) {
      await sleep(POLL_MS);
    }
  };

  const runStatus = async (engine: SyncHarness, runId: number): Promise<string> =>
    (await engine.dataSource.query<SyncRun[]>(`SELECT status FROM sync_run WHERE id = $1`, [runId]))[0]
      .status;

  const runsOf = (engine: SyncHarness) =>
    engine.dataSource.query<Array<{ id: number; status: string; started_at: Date; finished_at: Date }>>(
      `SELECT id, status, started_at, finished_at FROM sync_run ORDER BY id`,
    );

  const expectNoOverlap = (runs: Awaited<ReturnType<typeof runsOf>>) => {
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finished_at.getTime());
    }
  };

  it('leaves 0 duplicates and 0 overlapping runs when the lock connection is terminated mid-run', async () => {
    const [first, second] = await twoEngines();
    const firstRun = await requestRun(first);
    const dealsAtKill = await untilSending(first, firstRun);

    expect(await killLockConnection(first)).toBe(1);
    const secondRun = await requestRun(second);
    const [a, b] = [await first.waitForRun(firstRun), await second.waitForRun(secondRun)];

    expect(dealsAtKill).toBeLessThan(ROWS);
    expect(await syncIntegrity(first.emulator, stateQueryOf(first.dataSource))).toEqual(exactlyOnce(ROWS));
    expect([a.status, b.status]).toEqual([RunStatus.Succeeded, RunStatus.Succeeded]);
    expect(b).toMatchObject({ created: 0, updated: 0 });
    expectNoOverlap(await runsOf(first));
    const full = await first.run(RunMode.Full);
    expect(full).toMatchObject({ status: RunStatus.Succeeded, created: 0, updated: 0, deleted: 0 });
  }, 300_000);

  it('leaves 0 duplicates and 0 overlapping runs with idle_session_timeout set low on the state database', async () => {
    const [first, second] = await twoEngines();
    await withAdmin(first, async (admin) => {
      await admin.query(`ALTER DATABASE "${admin.database}" SET idle_session_timeout = '1s'`);
      // Only sessions opened from now on get the timeout: the engines' pools open new ones for these.
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [admin.database],
      );
    });
    await untilPoolsRecovered([first, second]);
    const firstRun = await requestRun(first);
    await untilSending(first, firstRun);
    await untilLockGone(first);
    expect(await runStatus(first, firstRun)).toBe(RunStatus.Running);
    const secondRun = await requestRun(second);
    const [a, b] = [await first.waitForRun(firstRun), await second.waitForRun(secondRun)];

    expect(await syncIntegrity(first.emulator, stateQueryOf(first.dataSource))).toEqual(exactlyOnce(ROWS));
    expect([a.status, b.status]).toEqual([RunStatus.Succeeded, RunStatus.Succeeded]);
    expectNoOverlap(await runsOf(first));
  }, 300_000);
});

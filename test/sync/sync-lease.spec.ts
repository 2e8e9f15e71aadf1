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

  /** Ends every session of the state database but the spec's own: pools open new ones, with the new settings. */
  const terminateSessionsOf = async (admin: pg.Client, observer: pg.Client): Promise<void> => {
    const { rows } = await observer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2`,
      [admin.database, rows[0].pid],
    );
  };

  /** The first query on a pooled connection the server has just closed fails; the next one gets a new connection. */
  const retryingDeadConnections = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 10 || !/terminating connection|Connection terminated/.test((error as Error).message)) {
          throw error;
        }
      }
    }
  };

  const lockHolders = async (engine: SyncHarness, client?: pg.Client): Promise<number> => {
    const sql = `SELECT count(*)::int AS holders FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objid = hashtext($1)::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
    if (client) {
      return (await client.query<{ holders: number }>(sql, [runLockName(mapping(engine))])).rows[0].holders;
    }
    const [row] = await engine.dataSource.query<Array<{ holders: number }>>(
      `SELECT count(*)::int AS holders FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objid = hashtext($1)::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [runLockName(mapping(engine))],
    );
    return row.holders;
  };

  const untilLockGone = async (engine: SyncHarness, client?: pg.Client): Promise<void> => {
    while ((await lockHolders(engine, client)) > 0) {
      await sleep(POLL_MS);
    }
  };

  type RunSpan = { started_at: Date; finished_at: Date };

  const runsOf = (engine: SyncHarness) =>
    engine.dataSource.query<RunSpan[]>(`SELECT started_at, finished_at FROM sync_run ORDER BY id`);

  const expectNoOverlap = (runs: readonly RunSpan[]) => {
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
    // The spec's own view of the state: a session opened before the timeout is set, so it never gets it.
    const observer = new pg.Client({ connectionString: first.state.url });
    await observer.connect();
    const statusOf = async (runId: number) =>
      (await observer.query<{ status: RunStatus }>(`SELECT status FROM sync_run WHERE id = $1`, [runId]))
        .rows[0].status;
    const finished = async (runId: number) => {
      while (![RunStatus.Succeeded, RunStatus.Failed].includes(await statusOf(runId))) {
        await sleep(POLL_MS);
      }
    };
    try {
      await withAdmin(first, async (admin) => {
        await admin.query(`ALTER DATABASE "${admin.database}" SET idle_session_timeout = '3s'`);
        await terminateSessionsOf(admin, observer);
      });
      const firstRun = await retryingDeadConnections(() => requestRun(first));
      while ((await statusOf(firstRun)) !== RunStatus.Running || first.emulator.deals().length === 0) {
        await sleep(POLL_MS);
      }
      await untilLockGone(first, observer);
      expect(await statusOf(firstRun)).toBe(RunStatus.Running);
      const secondRun = await retryingDeadConnections(() => requestRun(second));
      await finished(firstRun);
      await finished(secondRun);

      // A query that meets a connection the server has just closed can fail a run; it must never double a deal.
      const state = <T>(sql: string) => observer.query(sql).then((result) => result.rows as T[]);
      expect(await syncIntegrity(first.emulator, state)).toMatchObject({
        distinctOrigins: ROWS,
        mislinked: [],
      });
      expect(first.emulator.deals()).toHaveLength(ROWS);
      expectNoOverlap(
        (await observer.query<RunSpan>(`SELECT started_at, finished_at FROM sync_run ORDER BY id`)).rows,
      );
      await withAdmin(first, async (admin) => {
        await admin.query(`ALTER DATABASE "${admin.database}" RESET idle_session_timeout`);
        await terminateSessionsOf(admin, observer);
      });
      const final = await retryingDeadConnections(() => first.run());
      expect(final.status).toBe(RunStatus.Succeeded);
      expect(await syncIntegrity(first.emulator, stateQueryOf(first.dataSource))).toEqual(exactlyOnce(ROWS));
    } finally {
      await observer.end();
    }
  }, 300_000);
});

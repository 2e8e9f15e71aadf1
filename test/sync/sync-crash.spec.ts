import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { seededRandom } from '../../src/emulator/faults.js';
import { RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import { createTestDatabase, testPool, type TestDatabase } from '../support/database.js';
import { lastJsonLine, spawnCli, type CliChild, type CliExit } from './support/cli-child.js';
import { ErpOrders, ORDERS_MAPPING } from './support/erp-orders.js';
import { exactlyOnce, syncIntegrity, type StateQuery } from './support/sync-assertions.js';
import { CLOCK_SPEED } from './support/sync-harness.js';

const ROWS = 5_000;
const KILLS = 10;
const SEED = 424242;
/** Each child is killed this long after its run is seen running (real ms, from the seeded PRNG). */
const KILL_AFTER_MS = { min: 200, max: 1500 };
const POLL_MS = 25;
/**
 * Hang guards, not speed limits (as the spec's own timeout): on a machine four times slower than CI a child
 * starts its run in seconds and the spec takes a few minutes. Only a child that never gets going reaches it.
 */
const START_HANG_MS = 120_000;
/**
 * A mapping name of its own: the run lock is named after the mapping, and pg_locks lists the locks of every
 * database on the server, where other spec files run their own `orders` mapping at the same time.
 */
const MAPPING = 'orders-crash';

describe('a sync process killed (SIGKILL) again and again during the initial sync', () => {
  let emulator: RunningEmulator;
  let erp: ErpOrders;
  let state: TestDatabase;
  let pool: pg.Pool;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator({ clockSpeed: CLOCK_SPEED });
    erp = await ErpOrders.create(ROWS);
    state = await createTestDatabase('crash');
    pool = testPool(state.url);
    const dir = mkdtempSync(join(tmpdir(), 'crash-'));
    const syncConfig = join(dir, 'sync.config.yaml');
    writeFileSync(syncConfig, ORDERS_MAPPING({ name: MAPPING }));
    env = {
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: erp.url,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      BITRIX24_RATE_LIMIT: `${2 * CLOCK_SPEED}/50`,
      SYNC_CONFIG: syncConfig,
      LOG_LEVEL: 'warn',
      DEMO: 'off',
      // A killed child's run is closed once its lease expires: short here, so the next child starts soon, yet long
      // enough (a run stops with under half left) that a machine stalled for seconds keeps its lease.
      RUN_LEASE_TTL: '10s',
    };
  });

  /** Every child spawned, so a failed or timed-out spec leaves no process (and no pipe) behind. */
  const children: CliChild[] = [];
  const spawnChild = (args: readonly string[]): CliChild => {
    const child = spawnCli(args, env);
    children.push(child);
    return child;
  };

  afterAll(async () => {
    await Promise.all(children.filter((child) => child.running()).map((child) => child.crash()));
    await pool?.end();
    await state?.drop();
    await erp?.close();
    await emulator?.close();
  });

  const query: StateQuery = async <T>(sql: string, params: unknown[] = []) =>
    (await pool.query(sql, params)).rows as T[];

  /** The highest run id so far (0 before the first child has migrated the state database). */
  const lastRunId = async (): Promise<number> => {
    try {
      const [{ id }] = await query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM sync_run`);
      return id;
    } catch {
      return 0;
    }
  };

  /** Resolves once the child's own run (an id above `afterId`) is running, or the child has exited. */
  const untilRunning = async (child: CliChild, afterId: number): Promise<void> => {
    const hangsAt = Date.now() + START_HANG_MS;
    while (child.running()) {
      if (Date.now() > hangsAt) {
        throw new Error(`the child has not started its run after ${START_HANG_MS} ms: it hangs`);
      }
      const [running] = await query<{ id: number }>(
        `SELECT id FROM sync_run WHERE id > $1 AND status = 'running'`,
        [afterId],
      ).catch(() => []);
      if (running) {
        return;
      }
      await sleep(POLL_MS);
    }
  };

  const runCommand = ['run', '--mapping', MAPPING, '--json'];

  it(`ends with exactly ${ROWS} deals, no duplicate and every link on its own deal`, async () => {
    const random = seededRandom(SEED);
    const kills: Array<{ exit: CliExit; dealsAtKill: number }> = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const afterId = await lastRunId();
      const child = spawnChild(runCommand);
      await untilRunning(child, afterId);
      await sleep(KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
      const dealsAtKill = emulator.deals().length;
      kills.push({ exit: await child.crash(), dealsAtKill });
    }

    const final = await spawnChild(runCommand).exited;

    expect({ code: final.code, stderr: final.stderr }).toMatchObject({ code: 0 });
    expect(lastJsonLine(final.stdout)).toMatchObject({ status: RunStatus.Succeeded, failed: 0 });
    // The kills struck in the middle of the initial sync, not after it.
    const struck = kills.map((k) => ({
      signal: k.exit.signal,
      code: k.exit.code,
      dealsAtKill: k.dealsAtKill,
    }));
    const midSync = struck.filter((k) => k.signal === 'SIGKILL' && k.dealsAtKill < ROWS).length;
    expect({ midSync: midSync >= 3, struck }).toMatchObject({ midSync: true });
    expect(await query(`SELECT id, status FROM sync_run WHERE status IN ('queued', 'running')`)).toEqual([]);
    expect(await syncIntegrity(emulator, query)).toEqual(exactlyOnce(ROWS));
  }, 1_200_000);
});

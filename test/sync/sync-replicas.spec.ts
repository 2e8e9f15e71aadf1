import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createTestDatabase, testPool, type TestDatabase } from '../support/database.js';
import { spawnCli, type CliChild } from './support/cli-child.js';
import { ErpOrders, ORDERS_MAPPING } from './support/erp-orders.js';
import { exactlyOnce, syncIntegrity, type StateQuery } from './support/sync-assertions.js';

const ROWS = 5_000;
/** A mapping name of its own: the run lock is named after the mapping, and locks are listed server-wide. */
const MAPPING = 'orders-replicas';
const POLL_MS = 50;

/**
 * Two daemons (replicas) on one state database, scheduled every 2 seconds. The one running the mapping is killed
 * mid-run; the other takes the mapping over once the dead run's lease expires, and finishes its work.
 */
describe('two replicas of the daemon when the one running a mapping is killed', () => {
  let emulator: RunningEmulator;
  let erp: ErpOrders;
  let state: TestDatabase;
  let pool: pg.Pool;
  let env: Record<string, string>;
  const replicas: CliChild[] = [];

  beforeAll(async () => {
    // A portal at 10 requests/s, burst 50: the initial sync lasts seconds, so the kill lands mid-run.
    emulator = await startEmulator({ clockSpeed: 5, operating: { methodCostSeconds: { '*': 0.005 } } });
    erp = await ErpOrders.create(ROWS);
    state = await createTestDatabase('replicas');
    pool = testPool(state.url);
    const syncConfig = join(mkdtempSync(join(tmpdir(), 'replicas-')), 'sync.config.yaml');
    const mapping = ORDERS_MAPPING({ name: MAPPING }).replace(
      `  - name: ${MAPPING}\n`,
      `  - name: ${MAPPING}\n    schedule: "*/2 * * * * *"\n`,
    );
    writeFileSync(syncConfig, mapping);
    env = {
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: erp.url,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      BITRIX24_RATE_LIMIT: '10/50',
      SYNC_CONFIG: syncConfig,
      PORT: '0',
      LOG_LEVEL: 'warn',
      DEMO: 'off',
      RUN_LEASE_TTL: '10s',
    };
  });

  afterAll(async () => {
    await Promise.all(replicas.filter((replica) => replica.running()).map((replica) => replica.crash()));
    await pool?.end();
    await state?.drop();
    await erp?.close();
    await emulator?.close();
  });

  const query: StateQuery = async <T>(sql: string, params: unknown[] = []) =>
    (await pool.query(sql, params)).rows as T[];

  const until = async (what: () => Promise<boolean> | boolean): Promise<void> => {
    while (!(await what())) {
      await sleep(POLL_MS);
    }
  };

  const runs = () =>
    query<{ id: number; status: string; error: string | null }>(
      `SELECT id, status, error FROM sync_run ORDER BY id`,
    ).catch(() => []);

  it(`finishes the initial sync of ${ROWS} orders on the surviving replica with no duplicate`, async () => {
    const first = spawnCli(['start'], env);
    replicas.push(first);
    await until(async () => (await runs()).some((run) => run.status === 'running'));
    await until(() => emulator.deals().length > 0);
    const second = spawnCli(['start'], env);
    replicas.push(second);

    await first.crash();
    const dealsAtKill = emulator.deals().length;
    await until(async () => (await runs()).some((run) => run.status === 'succeeded'));

    expect(dealsAtKill).toBeLessThan(ROWS);
    expect(second.running()).toBe(true);
    const [killed, ...later] = await runs();
    expect(killed).toMatchObject({ status: 'failed', error: expect.stringContaining('lease expired') });
    expect(later.find((run) => run.status === 'succeeded')).toBeDefined();
    expect(await syncIntegrity(emulator, query)).toEqual(exactlyOnce(ROWS));
  }, 300_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { seededRandom } from '../../src/emulator/faults.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import { createTestDatabase, testPool, type TestDatabase } from '../support/database.js';
import { lastJsonLine, spawnCli, type CliExit } from './support/cli-child.js';
import {
  addCustomers,
  addLinkedOrders,
  addOrderLines,
  CUSTOMERS_MAPPING,
  ORDERS_WITH_LINES_MAPPING,
} from './support/erp-graph.js';
import { ErpOrders } from './support/erp-orders.js';
import { CLOCK_SPEED } from './support/sync-harness.js';

const ORDERS = 2_000;
const CUSTOMERS = 200;
const KILLS = 10;
const SEED = 515151;
const KILL_AFTER_MS = { min: 150, max: 1200 };
const POLL_MS = 25;
/** Names of their own: run locks are named after mappings, and pg_locks spans every database on the server. */
const ORDERS_NAME = 'orders-graph-crash';
const CUSTOMERS_NAME = 'customers-graph-crash';

describe('the initial graph sync killed (SIGKILL) again and again, with 5% of answers lost after commit', () => {
  let emulator: RunningEmulator;
  let erp: ErpOrders;
  let state: TestDatabase;
  let pool: pg.Pool;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator({
      clockSpeed: CLOCK_SPEED,
      faults: { commitThenDropRate: 0.05, seed: SEED },
    });
    erp = await ErpOrders.create(ORDERS);
    await addCustomers(erp, CUSTOMERS);
    await addLinkedOrders(erp, 0, CUSTOMERS);
    await addOrderLines(erp, 8);
    state = await createTestDatabase('graph-crash');
    pool = testPool(state.url);
    const dir = mkdtempSync(join(tmpdir(), 'graph-crash-'));
    const syncConfig = join(dir, 'sync.config.yaml');
    writeFileSync(
      syncConfig,
      `mappings:\n${ORDERS_WITH_LINES_MAPPING({ linkCustomers: true, name: ORDERS_NAME, customers: CUSTOMERS_NAME })}` +
        CUSTOMERS_MAPPING({ name: CUSTOMERS_NAME, backoff: '10ms' }),
    );
    env = {
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: erp.url,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      BITRIX24_RATE_LIMIT: `${2 * CLOCK_SPEED}/50`,
      SYNC_CONFIG: syncConfig,
      LOG_LEVEL: 'warn',
      DEMO: 'off',
      RUN_LEASE_TTL: '10s',
    };
  });

  afterAll(async () => {
    await pool?.end();
    await state?.drop();
    await erp?.close();
    await emulator?.close();
  });

  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await pool.query(sql, params)).rows as T[];
  const runCommand = ['run', '--mapping', ORDERS_NAME, '--json'];
  /** The highest run id so far (0 before the first child has migrated the state database). */
  const lastRunId = async (): Promise<number> => {
    const rows = await query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM sync_run`).catch(
      () => [],
    );
    return rows[0]?.id ?? 0;
  };
  /** Whether a run newer than `afterId` (the child's own, or a parent run it requested) is running. */
  const runningSince = async (afterId: number): Promise<boolean> => {
    const rows = await query(`SELECT id FROM sync_run WHERE id > $1 AND status = 'running'`, [afterId]).catch(
      () => [],
    );
    return rows.length > 0;
  };

  it('ends with no duplicate company or deal and no dangling link', async () => {
    const random = seededRandom(SEED);
    const kills: Array<{ exit: CliExit; dealsAtKill: number }> = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const afterId = await lastRunId();
      const child = spawnCli(runCommand, env);
      while (child.running() && !(await runningSince(afterId))) {
        await sleep(POLL_MS);
      }
      await sleep(KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
      const dealsAtKill = emulator.deals().length;
      kills.push({ exit: await child.crash(), dealsAtKill });
    }
    emulator.setFaults({});
    let final = await spawnCli(runCommand, env).exited;
    // A run can end partially failed while outcomes lost after commit are still being resolved: run once more.
    if (final.code !== 0) {
      final = await spawnCli(runCommand, env).exited;
    }

    expect({ code: final.code, stderr: final.stderr }).toMatchObject({ code: 0 });
    expect(lastJsonLine(final.stdout)).toMatchObject({ status: RunStatus.Succeeded, failed: 0 });
    // The kills struck in the middle of the initial sync, not after it.
    const midSync = kills.filter((kill) => kill.exit.signal === 'SIGKILL' && kill.dealsAtKill < ORDERS);
    expect(midSync.length).toBeGreaterThanOrEqual(3);
    expect(emulator.stats().faults['commit-then-drop']).toBeGreaterThan(0);

    const companies = emulator.companies();
    expect(companies).toHaveLength(CUSTOMERS);
    expect(new Set(companies.map((company) => company.ORIGIN_ID)).size).toBe(CUSTOMERS);
    const deals = emulator.deals();
    expect(deals).toHaveLength(ORDERS);
    expect(new Set(deals.map((deal) => deal.ORIGIN_ID)).size).toBe(ORDERS);

    const companyOf = new Map(companies.map((company) => [company.ORIGIN_ID, company.ID]));
    const orders = await erp.query<{ id: number; partner_id: number | null }>(
      `SELECT id, partner_id FROM sale_order`,
    );
    const byOrigin = new Map(deals.map((deal) => [deal.ORIGIN_ID, deal]));
    const dangling = orders.filter((order) => {
      const actual = byOrigin.get(String(order.id))?.COMPANY_ID ?? null;
      const expected = order.partner_id === null ? null : (companyOf.get(String(order.partner_id)) ?? 'none');
      return (actual === '0' || actual === '' ? null : actual) !== expected;
    });
    expect(dangling).toEqual([]);
    const rowless = deals.filter((deal) => emulator.productRows(Number(deal.ID)).length === 0);
    expect(rowless).toEqual([]);
    const links = await query<{ mapping: string; deals: number }>(
      `SELECT mapping, count(DISTINCT deal_id)::int AS deals FROM deal_link WHERE deal_id IS NOT NULL GROUP BY mapping ORDER BY mapping`,
    );
    expect(links).toEqual([
      { mapping: CUSTOMERS_NAME, deals: CUSTOMERS },
      { mapping: ORDERS_NAME, deals: ORDERS },
    ]);
  }, 300_000);
});

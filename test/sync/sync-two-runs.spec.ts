import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Deal, type RunningEmulator } from '../../src/emulator/index.js';
import { runCliProcess } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { lastJsonLine } from './support/cli-child.js';
import { ErpOrders, ORDERS_MAPPING } from './support/erp-orders.js';

/** Per mapping: 60 batches of 50 creates, more than the portal's burst, so neither run fits in the burst alone. */
const ROWS = 3_000;
/** Mapping names of their own (run locks are named after the mapping) and each its ORIGINATOR_ID. */
const MAPPINGS = ['orders-two-runs-a', 'orders-two-runs-b'] as const;
/**
 * The standard portal (2 requests/s, burst 50) in real time. A faster emulator clock would shorten the spec but
 * turn every real second a loaded machine lets pass between a grant and the request's arrival into several
 * requests of error against the client's half-request safety margin (5× clock at load 7: 4 × 503).
 */
const RATE_LIMIT = '2/50';

interface RunLine {
  readonly status: string;
  readonly created: number;
  readonly requests: number;
  readonly rateLimited: number;
}

/**
 * Two `run` processes of two mappings (an ERP database each) started at once against one portal. With one state
 * database they share the portal's bucket through it: both finish, no request is refused, and the portal saw their
 * creates interleaved. The control gives each process a state database of its own, which is what every process had
 * before the budget was shared: each believes it owns the bucket, and the portal answers 503.
 */
describe('two CLI runs of two mappings at once on one portal', () => {
  const erps: ErpOrders[] = [];
  const states: TestDatabase[] = [];
  const configs: string[] = [];
  let emulator: RunningEmulator | undefined;

  beforeAll(async () => {
    const folder = mkdtempSync(join(tmpdir(), 'two-runs-'));
    for (const mapping of MAPPINGS) {
      erps.push(await ErpOrders.create(ROWS));
      const config = join(folder, `${mapping}.yaml`);
      writeFileSync(
        config,
        ORDERS_MAPPING({ name: mapping }).replace('originatorId: erp-test', `originatorId: ${mapping}`),
      );
      configs.push(config);
    }
  });

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  afterAll(async () => {
    await Promise.all(states.map((state) => state.drop()));
    await Promise.all(erps.map((erp) => erp.close()));
  });

  /** Both mappings at once, process i on state database `stateUrls[i]`; resolves when both exited. */
  const runBoth = async (portal: RunningEmulator, stateUrls: readonly string[]) =>
    Promise.all(
      MAPPINGS.map((mapping, index) =>
        runCliProcess(
          ['run', '--mapping', mapping, '--json'],
          {
            DATABASE_URL: stateUrls[index],
            ERP_DATABASE_URL: erps[index].url,
            BITRIX24_WEBHOOK_URL: portal.webhookUrl,
            BITRIX24_RATE_LIMIT: RATE_LIMIT,
            SYNC_CONFIG: configs[index],
            LOG_LEVEL: 'warn',
          },
          600_000,
        ),
      ),
    );

  const startPortal = async () => {
    emulator = await startEmulator({
      rateLimit: { drainPerSecond: 2, capacity: 50 },
      operating: { methodCostSeconds: { '*': 0.005 } },
    });
    return emulator;
  };

  const newState = async () => {
    const state = await createTestDatabase('two-runs');
    states.push(state);
    return state.url;
  };

  it(`shares the bucket through the state database: ${ROWS} deals each, 0 × 503, creates interleaved`, async () => {
    const portal = await startPortal();
    const state = await newState();

    const results = await runBoth(portal, [state, state]);

    expect(results.map((result) => (result.code === 0 ? 'exit 0' : result.stderr.slice(-2000)))).toEqual([
      'exit 0',
      'exit 0',
    ]);
    const lines = results.map((result) => lastJsonLine<RunLine>(result.stdout));
    expect(lines).toEqual([
      expect.objectContaining({ status: 'succeeded', created: ROWS, rateLimited: 0 }),
      expect.objectContaining({ status: 'succeeded', created: ROWS, rateLimited: 0 }),
    ]);
    const stats = portal.stats();
    expect(stats.queryLimitExceeded).toBe(0);
    // Every request the portal took was one of the two processes', each counted by the process that sent it.
    expect(stats.requests).toBe(lines[0].requests + lines[1].requests);
    const deals = portal.deals();
    for (const mapping of MAPPINGS) {
      const own = deals.filter((deal) => deal.ORIGINATOR_ID === mapping);
      expect({ mapping, deals: own.length, keys: new Set(own.map((deal) => deal.ORIGIN_ID)).size }).toEqual({
        mapping,
        deals: ROWS,
        keys: ROWS,
      });
    }
    expect(deals).toHaveLength(2 * ROWS);
    // The portal numbers deals in the order it created them: runs of one mapping's creates alternate with the
    // other's while both processes send, rather than one process's work following the other's.
    expect(originatorRuns(deals)).toBeGreaterThanOrEqual(4);
  }, 600_000);

  it('control: a state database each (a bucket each) overflows the portal, which answers 503', async () => {
    const portal = await startPortal();

    await runBoth(portal, [await newState(), await newState()]);

    expect(portal.stats().queryLimitExceeded).toBeGreaterThan(0);
  }, 600_000);
});

/** Stretches of consecutive deal IDs created for one mapping. */
function originatorRuns(deals: readonly Deal[]): number {
  const order = [...deals].sort((a, b) => Number(a.ID) - Number(b.ID)).map((deal) => deal.ORIGINATOR_ID);
  return order.filter((originator, index) => index === 0 || originator !== order[index - 1]).length;
}

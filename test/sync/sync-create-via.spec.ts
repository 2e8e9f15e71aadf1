import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scaledClock } from '../../src/bitrix24/clock.js';
import { CREATE_METHODS } from '../../src/config/create-via.js';
import { RunStatus, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { ORDERS_MAPPING } from './support/erp-orders.js';
import { exactlyOnce, stateQueryOf, syncIntegrity } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 5_000;
/** Portal and client time both run this much faster: the 10-minute window lasts 30 s. */
const SPEED = 20;
/**
 * 0.1 s per create and 200 s per method and window: one method's budget pays for 2,000 creates (1,600 before the
 * client slows it down), so 5,000 creates need all three methods to go through without waiting for the window.
 */
const LIMIT_SECONDS = 200;
const COSTS = { 'crm.deal.add': 0.1, 'crm.item.add': 0.1, 'crm.item.batchImport': 0.1, '*': 0.005 };
const MAX_RUNS = 6;

const mapping = () =>
  ORDERS_MAPPING().replace(
    'target: { originatorId: erp-test, categoryId: 0 }',
    `target: { originatorId: erp-test, categoryId: 0, createVia: [${CREATE_METHODS.join(', ')}] }`,
  );

async function startFirstLoad(commitThenDropRate: number): Promise<SyncHarness> {
  return startSyncHarness({
    rows: ROWS,
    mappingYaml: mapping(),
    emulator: {
      clockSpeed: SPEED,
      operating: { limitSeconds: LIMIT_SECONDS, methodCostSeconds: COSTS },
      faults: { commitThenDropRate, seed: 20261205 },
    },
    // Both clocks scaled: the limits stay in portal seconds, only the waits shrink.
    env: { BITRIX24_RATE_LIMIT: '2/50' },
    client: { clock: scaledClock(SPEED), operating: { limitSeconds: LIMIT_SECONDS } },
  });
}

async function runUntilDone(harness: SyncHarness): Promise<SyncRun[]> {
  const runs: SyncRun[] = [];
  do {
    runs.push(await harness.run());
  } while (runs.at(-1)?.status !== RunStatus.Succeeded && runs.length < MAX_RUNS);
  return runs;
}

function expectWithinLimits(harness: SyncHarness): void {
  const stats = harness.emulator.stats();
  expect(stats.byStatus['503'] ?? 0).toBe(0);
  expect(stats.byStatus['429'] ?? 0).toBe(0);
  expect(stats.queryLimitExceeded).toBe(0);
  expect(stats.operatingLimitExceeded).toBe(0);
}

/** Deals by the method that created them: imports run no automation rule, the other creates one each. */
function createdBy(harness: SyncHarness): { automation: number; imported: number } {
  const stats = harness.emulator.stats();
  return { automation: stats.automationRuns, imported: stats.writesByMethod['crm.item.batchimport'] ?? 0 };
}

describe('a first load past one method operating budget, over target.createVia', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startFirstLoad(0);
  }, 300_000);

  afterAll(() => harness?.close());

  it('creates every deal once, over all three methods, without one limit error', async () => {
    const runs = await runUntilDone(harness);

    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: RunStatus.Succeeded, created: ROWS, failed: 0 });
    expectWithinLimits(harness);
    const calls = harness.emulator.stats().callsByMethod;
    for (const method of CREATE_METHODS) {
      expect({ method, used: (calls[method.toLowerCase()] ?? 0) > 0 }).toEqual({ method, used: true });
    }
    // Robots ran for each deal created by crm.deal.add or crm.item.add, never for an imported one.
    const { automation, imported } = createdBy(harness);
    expect(imported).toBeGreaterThan(0);
    expect(automation + imported).toBe(ROWS);
    expect(await syncIntegrity(harness.emulator, stateQueryOf(harness.dataSource))).toEqual(
      exactlyOnce(ROWS),
    );
  }, 600_000);
});

describe('the same first load while 5% of answers are lost after the portal committed them', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startFirstLoad(0.05);
  }, 300_000);

  afterAll(() => harness?.close());

  it('ends with exactly one deal per row, whichever method created it, and no limit error', async () => {
    const runs = await runUntilDone(harness);

    expect(runs.at(-1)?.status).toBe(RunStatus.Succeeded);
    expect(harness.emulator.stats().faults['commit-then-drop']).toBeGreaterThan(0);
    expectWithinLimits(harness);
    expect(createdBy(harness).imported).toBeGreaterThan(0);
    expect(await syncIntegrity(harness.emulator, stateQueryOf(harness.dataSource))).toEqual(
      exactlyOnce(ROWS),
    );
  }, 600_000);
});

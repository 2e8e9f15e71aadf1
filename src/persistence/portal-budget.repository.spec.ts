import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createMigratedDataSource, type TestDataSource } from '../../test/support/database.js';
import type { MethodOperating } from '../bitrix24/operating-budget.js';
import { InProcessBudgetStore, type PortalBudgetStore } from '../bitrix24/portal-budget.store.js';
import { createDataSource } from './data-source.factory.js';
import { PortalBudgetRepository } from './portal-budget.repository.js';

const limits = { drainPerSecond: 2, capacity: 50 };
const PORTAL = 'shared.bitrix24.com';

const seen = (overrides: Partial<MethodOperating> = {}): MethodOperating => ({
  operatingSeconds: 100,
  resetAtMs: 600_000,
  callCostSeconds: 0.1,
  blockedUntilMs: undefined,
  portalAt: 1000,
  ...overrides,
});

/**
 * The same contract for both stores. "Two processes" are two PostgreSQL stores on two data sources
 * (two connection pools on one database), or one in-process store used twice.
 */
describe.each([
  { name: 'PortalBudgetRepository (PostgreSQL)', postgres: true },
  { name: 'InProcessBudgetStore', postgres: false },
])('$name', ({ postgres }) => {
  let db: TestDataSource;
  let second: DataSource;
  let one: PortalBudgetStore;
  let other: PortalBudgetStore;

  beforeAll(async () => {
    if (postgres) {
      db = await createMigratedDataSource();
      second = createDataSource(db.url);
      await second.initialize();
    }
  });
  afterAll(async () => {
    if (postgres) {
      await second.destroy();
      await db.close();
    }
  });
  beforeEach(async () => {
    if (postgres) {
      await db.dataSource.query('DELETE FROM portal_budget; DELETE FROM portal_method_budget');
      one = new PortalBudgetRepository(db.dataSource);
      other = new PortalBudgetRepository(second);
    } else {
      one = other = new InProcessBudgetStore();
    }
  });

  const take = (store: PortalBudgetStore, slots: number, nowMs: number, portal = PORTAL) =>
    store.takeSlots({ portal, limits, ceiling: 49.5, slots, nowMs });

  it('grants what fits under the ceiling, several slots at once, then nothing until it drains', async () => {
    expect((await take(one, 8, 0)).granted).toBe(8);
    expect((await take(other, 45, 0)).granted).toBe(41);
    const full = await take(one, 1, 0);
    expect(full).toEqual({ granted: 0, bucket: { level: 49, atMs: 0 }, pausedUntilMs: 0 });
    expect((await take(other, 3, 1000)).granted).toBe(2);
    expect((await take(one, 1, 1000, 'another.bitrix24.com')).granted).toBe(1);
  });

  it('never lets two processes together take the bucket above its ceiling', async () => {
    let granted = 0;
    for (let now = 0; now <= 30_000; now += 100) {
      const grants = await Promise.all([take(one, 4, now), take(other, 4, now + 7)]);
      granted += grants[0].granted + grants[1].granted;
    }
    // 49 at once, then 2 per second for 30 s: the bucket's bound, whoever asked.
    expect(granted).toBe(49 + 60);
  });

  it('pauses every process after a QUERY_LIMIT_EXCEEDED seen by one', async () => {
    await take(one, 10, 0);
    await one.recordRejection(PORTAL, limits, 100, 2100);
    expect(await take(other, 1, 2000)).toMatchObject({ granted: 0, pausedUntilMs: 2100 });
    expect((await take(other, 1, 2100)).granted).toBe(1);
  });

  it('adds up the cost in flight of every process and gives it back on settlement', async () => {
    await one.claimOperating(PORTAL, [{ method: 'crm.deal.add', seconds: 5, calls: 50 }], 0);
    const [add, batch] = await other.claimOperating(
      PORTAL,
      [
        { method: 'crm.deal.add', seconds: 2.5, calls: 25 },
        { method: 'batch', seconds: 2.5, calls: 1 },
      ],
      10,
    );
    expect(add).toMatchObject({ method: 'crm.deal.add', inFlightSeconds: 7.5, inFlightCalls: 75 });
    expect(batch).toMatchObject({ method: 'batch', operating: undefined, inFlightSeconds: 2.5 });
    await one.settleOperating(PORTAL, [
      {
        method: 'crm.deal.add',
        releasedSeconds: 5,
        releasedCalls: 50,
        operating: seen({ operatingSeconds: 105 }),
      },
    ]);
    const [after] = await other.claimOperating(
      PORTAL,
      [{ method: 'crm.deal.add', seconds: 0, calls: 0 }],
      20,
    );
    expect(after).toMatchObject({
      inFlightSeconds: 2.5,
      inFlightCalls: 25,
      operating: seen({ operatingSeconds: 105 }),
    });
  });

  it('keeps the figures of the newer answer, and a block until its later end', async () => {
    await one.claimOperating(PORTAL, [{ method: 'crm.deal.add', seconds: 0, calls: 0 }], 0);
    await one.settleOperating(PORTAL, [
      { method: 'crm.deal.add', releasedSeconds: 0, releasedCalls: 0, operating: seen({ portalAt: 2000 }) },
    ]);
    await other.settleOperating(PORTAL, [
      {
        method: 'crm.deal.add',
        releasedSeconds: 0,
        releasedCalls: 0,
        operating: seen({ portalAt: 1500, operatingSeconds: 480, blockedUntilMs: 601_000 }),
      },
    ]);
    const [view] = await one.claimOperating(PORTAL, [{ method: 'crm.deal.add', seconds: 0, calls: 0 }], 0);
    expect(view.operating).toEqual(seen({ portalAt: 2000, blockedUntilMs: 601_000 }));
  });

  it('publishes a figure for a method nobody had answered yet', async () => {
    await one.claimOperating(PORTAL, [{ method: 'crm.deal.get', seconds: 0, calls: 1 }], 0);
    await one.settleOperating(PORTAL, [
      { method: 'crm.deal.get', releasedSeconds: 0, releasedCalls: 1, operating: seen() },
    ]);
    const [view] = await other.claimOperating(PORTAL, [{ method: 'crm.deal.get', seconds: 0, calls: 0 }], 0);
    expect(view).toEqual({ method: 'crm.deal.get', operating: seen(), inFlightSeconds: 0, inFlightCalls: 0 });
  });
});

describe(`${PortalBudgetRepository.name} (PostgreSQL only)`, () => {
  let db: TestDataSource;

  beforeAll(async () => {
    db = await createMigratedDataSource();
  });
  afterAll(async () => db.close());

  it("stops counting a dead process's cost out once it has not claimed for 90 s, whatever the others do", async () => {
    const crashed = new PortalBudgetRepository(db.dataSource);
    const survivor = new PortalBudgetRepository(db.dataSource);
    await crashed.claimOperating(PORTAL, [{ method: 'crm.deal.add', seconds: 5, calls: 50 }], 0);

    const [soon] = await survivor.claimOperating(
      PORTAL,
      [{ method: 'crm.deal.add', seconds: 1, calls: 10 }],
      1_000,
    );
    await survivor.settleOperating(PORTAL, [
      { method: 'crm.deal.add', releasedSeconds: 1, releasedCalls: 10, operating: undefined },
    ]);
    const [later] = await survivor.claimOperating(
      PORTAL,
      [{ method: 'crm.deal.add', seconds: 1, calls: 10 }],
      90_001,
    );

    expect(soon).toMatchObject({ inFlightSeconds: 6, inFlightCalls: 60 });
    expect(later).toMatchObject({ inFlightSeconds: 1, inFlightCalls: 10 });
  });
});

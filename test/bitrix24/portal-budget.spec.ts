import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import type { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { scaledClock } from '../../src/bitrix24/clock.js';
import { createDataSource } from '../../src/persistence/data-source.factory.js';
import { PortalBudgetRepository } from '../../src/persistence/portal-budget.repository.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';
import { webhookClient } from './support/emulator-client.js';

const SPEED = 10;
const CALLS_EACH = 70;

/**
 * Two processes on one portal: two clients, each with its own store on its own connection pool to the
 * same state database, pushing to one emulator at 2/50 over sockets.
 */
describe('one budget per portal, shared through PostgreSQL', () => {
  let db: TestDataSource;
  let secondPool: DataSource;
  let emulator: RunningEmulator;
  let clients: Bitrix24Client[];

  beforeAll(async () => {
    db = await createMigratedDataSource();
    secondPool = createDataSource(db.url);
    await secondPool.initialize();
    emulator = await startEmulator({ clockSpeed: SPEED, rateLimit: { drainPerSecond: 2, capacity: 50 } });
    // Client and emulator share one event loop here: a stall of 200 ms is 2 s of portal time (4 requests).
    clients = [db.dataSource, secondPool].map((pool) =>
      webhookClient(emulator, {
        clock: scaledClock(SPEED),
        safetyMargin: 4,
        budgetStore: new PortalBudgetRepository(pool),
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await emulator.close();
    await secondPool.destroy();
    await db.close();
  });

  it('keeps two clients together within the bucket: no QUERY_LIMIT_EXCEEDED, both get their share', async () => {
    await Promise.all(
      clients.map((client, c) =>
        Promise.all(
          Array.from({ length: CALLS_EACH }, (_, i) =>
            client.call('crm.deal.add', { fields: { TITLE: `client ${c} deal ${i}` } }),
          ),
        ),
      ),
    );

    expect(emulator.stats().byStatus['503']).toBeUndefined();
    expect(clients.map((client) => client.stats.snapshot().rateLimitedResponses)).toEqual([0, 0]);
    expect(clients.map((client) => client.stats.totalRequests)).toEqual([CALLS_EACH, CALLS_EACH]);
    expect(emulator.deals()).toHaveLength(2 * CALLS_EACH);
    const [bucket] = await db.dataSource.query<Array<{ level: number }>>(`SELECT level FROM portal_budget`);
    expect(bucket.level).toBeLessThanOrEqual(46 + 1e-9);
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import type { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { scaledClock } from '../../src/bitrix24/clock.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { webhookClient } from './support/emulator-client.js';

describe('Bitrix24Client limits against the emulator', () => {
  let emulator: RunningEmulator | undefined;
  let client: Bitrix24Client | undefined;

  async function setUp(options: EmulatorOptions, clientOptions: Parameters<typeof webhookClient>[1] = {}) {
    emulator = await startEmulator(options);
    client = webhookClient(emulator, { clock: scaledClock(options.clockSpeed ?? 1), ...clientOptions });
    return { emulator, client };
  }

  afterEach(async () => {
    await client?.close();
    await emulator?.close();
    client = undefined;
    emulator = undefined;
  });

  it('sends a burst of 1,000 calls without a single QUERY_LIMIT_EXCEEDED', async () => {
    // Emulator and client share one event loop: a 40 ms stall there is 4 s of portal time at speed 100,
    // 8 requests of drain. The margin covers it as the default 0.5 covers 250 ms of jitter at real speed.
    const { emulator, client } = await setUp({ clockSpeed: 100 }, { safetyMargin: 8 });
    const started = emulator.now();
    const results = await Promise.all(Array.from({ length: 1000 }, () => client.call('crm.deal.fields')));
    const virtualSeconds = (emulator.now() - started) / 1000;
    expect(results).toHaveLength(1000);
    expect(emulator.stats().queryLimitExceeded).toBe(0);
    expect(emulator.stats().byStatus['503']).toBeUndefined();
    expect(client.stats.snapshot().rateLimitedResponses).toBe(0);
    // 50 at once, then 950 at 2/s: the bucket allows nothing faster than 475 s.
    expect(virtualSeconds).toBeGreaterThanOrEqual(475);
    expect(client.stats.snapshot().limiterWaitMs.rate).toBeGreaterThan(0);
  });

  it('pauses and resends on QUERY_LIMIT_EXCEEDED without counting it as a failed attempt', async () => {
    // The portal is stricter than the client believes: only its refusals can keep the client in line.
    const { emulator, client } = await setUp(
      { clockSpeed: 50, rateLimit: { drainPerSecond: 2, capacity: 5 } },
      { retry: { maxRetries: 0 } },
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.call<number>('crm.deal.add', { fields: { TITLE: `D${i}` } }),
      ),
    );
    expect(results.every((result) => result.result > 0)).toBe(true);
    expect(emulator.deals()).toHaveLength(20);
    expect(emulator.stats().queryLimitExceeded).toBeGreaterThan(0);
    expect(client.stats.snapshot().rateLimitedResponses).toBe(emulator.stats().queryLimitExceeded);
  });

  it('gives up with a rate error once the limit waits run out', async () => {
    const { emulator, client } = await setUp(
      { clockSpeed: 1, rateLimit: { drainPerSecond: 0.01, capacity: 1 } },
      { retry: { maxRetries: 0, maxLimitWaits: 2 } },
    );
    await client.call('crm.deal.fields');
    await expect(client.call('crm.deal.fields')).rejects.toMatchObject({
      classification: 'rate',
      code: 'QUERY_LIMIT_EXCEEDED',
      httpStatus: 503,
    });
    expect(emulator.stats().queryLimitExceeded).toBe(3);
  });

  it('slows a method down before its operating time runs out, and never hits the limit', async () => {
    const { emulator, client } = await setUp(
      {
        clockSpeed: 1000,
        operating: { limitSeconds: 10, methodCostSeconds: { 'crm.deal.list': 4, '*': 0.01 } },
      },
      { operating: { limitSeconds: 10 } },
    );
    const startedAt = emulator.now();
    for (let i = 0; i < 4; i++) {
      await client.call('crm.deal.list');
    }
    expect(emulator.stats().operatingLimitExceeded).toBe(0);
    // Two calls (8 s) fit; the third would reach 12 s > 10 s, so it waited for the window to move on.
    expect(emulator.now() - startedAt).toBeGreaterThan(60_000);
    const headroom = client.stats.snapshot().operating.find((entry) => entry.method === 'crm.deal.list');
    expect(headroom?.headroomSeconds).toBeLessThan(10);
  });

  it('keeps a queue of batches inside the operating budget without a single OPERATION_TIME_LIMIT', async () => {
    const { emulator, client } = await setUp(
      {
        clockSpeed: 1000,
        operating: { limitSeconds: 20, methodCostSeconds: { 'crm.deal.add': 0.1, '*': 0.01 } },
      },
      { operating: { limitSeconds: 20 } },
    );
    const startedAt = emulator.now();
    const commands = Array.from({ length: 500 }, (_, i) => ({
      method: 'crm.deal.add',
      params: { fields: { TITLE: `D${i}` } },
    }));
    const outcomes = await client.batch(commands);
    expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
    expect(emulator.stats().operatingLimitExceeded).toBe(0);
    expect(emulator.stats().batchSizes).toEqual(Array.from({ length: 10 }, () => 50));
    // Ten batches of 5 s against 20 s per 10-minute window: the budget, not the bucket, set the pace.
    expect(emulator.now() - startedAt).toBeGreaterThan(600_000);
  });

  it('pauses only the blocked method on OPERATION_TIME_LIMIT and resends it without counting an attempt', async () => {
    // The client believes in a higher limit than the portal enforces, so it runs into the block.
    const { emulator, client } = await setUp(
      {
        clockSpeed: 1000,
        operating: { limitSeconds: 10, methodCostSeconds: { 'crm.deal.list': 6, '*': 0.01 } },
      },
      { operating: { limitSeconds: 1000 }, retry: { maxRetries: 0 } },
    );
    await client.call('crm.deal.list');
    await client.call('crm.deal.list');
    const order: string[] = [];
    const blocked = client.call('crm.deal.list').then(() => order.push('list'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = client.call('crm.deal.fields').then(() => order.push('fields'));
    await Promise.all([blocked, other]);
    expect(order).toEqual(['fields', 'list']);
    expect(emulator.stats().operatingLimitExceeded).toBe(1);
    expect(client.stats.snapshot().operatingBlocks).toBe(1);
  });
});

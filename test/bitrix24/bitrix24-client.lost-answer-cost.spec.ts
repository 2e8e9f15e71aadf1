import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { scaledClock } from '../../src/bitrix24/clock.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { webhookClient } from './support/emulator-client.js';
import { setOnlyFaults } from './support/faults.js';

const SPEED = 200;

describe('Bitrix24Client: the operating cost of a request whose answer was lost', () => {
  let emulator: RunningEmulator;
  let client: Bitrix24Client;

  beforeAll(async () => {
    emulator = await startEmulator({
      clockSpeed: SPEED,
      operating: { limitSeconds: 10, methodCostSeconds: { 'crm.deal.add': 4, '*': 0.01 } },
    });
    client = webhookClient(emulator, {
      clock: scaledClock(SPEED),
      operating: { limitSeconds: 10 },
      retry: { maxRetries: 0 },
    });
  });

  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  // 4 s answered, then 8 s billed without an answer: the portal holds 12 s of its 10. Counting only what it
  // answered, the client would send the next add at once and get OPERATION_TIME_LIMIT.
  it('counts it as billed, so the next call waits for the window instead of hitting the limit', async () => {
    const add = () => client.call('crm.deal.add', { fields: { TITLE: 'x' } });
    await add();
    setOnlyFaults(emulator, { commitThenDropRate: 1 });
    await expect(add()).rejects.toMatchObject({ outcome: 'unknown' });
    await expect(add()).rejects.toMatchObject({ outcome: 'unknown' });
    setOnlyFaults(emulator);

    await add();

    expect(emulator.deals()).toHaveLength(4);
    expect(emulator.stats().operatingLimitExceeded).toBe(0);
  }, 120_000);
});

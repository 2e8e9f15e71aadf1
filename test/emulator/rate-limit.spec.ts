import { afterEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { call } from './rest-call.js';

/** Virtual time nearly frozen (clockSpeed 1e-6) so the bucket only drains when a spec advances the clock. */
const FROZEN = 1e-6;

describe('emulator leaky bucket (bitrix24-api.md §3.1)', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(() => emulator?.close());

  const burst = async (count: number, method = 'profile', params: unknown = {}) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      statuses.push((await call(emulator?.webhookUrl ?? '', method, params)).status);
    }
    return statuses;
  };

  it('admits 50 requests by default, then answers 503 QUERY_LIMIT_EXCEEDED without Retry-After', async () => {
    emulator = await startEmulator({ clockSpeed: FROZEN });
    expect(await burst(50)).toEqual(Array(50).fill(200));
    const rejected = await call(emulator.webhookUrl, 'profile');
    expect(rejected.status).toBe(503);
    expect(rejected.text).toBe('{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}');
    expect(rejected.headers.get('retry-after')).toBeNull();
    expect(emulator.stats().queryLimitExceeded).toBe(1);
  });

  it('drains 2 requests per virtual second and does not count rejected requests', async () => {
    emulator = await startEmulator({ clockSpeed: FROZEN });
    await burst(50);
    expect(await burst(5)).toEqual(Array(5).fill(503));
    emulator.advanceClock(1);
    expect(await burst(3)).toEqual([200, 200, 503]);
  });

  it('honours a configured Enterprise bucket (5/s, 250) and changes at run time', async () => {
    emulator = await startEmulator({ clockSpeed: FROZEN, rateLimit: { drainPerSecond: 5, capacity: 250 } });
    expect((await burst(251)).filter((status) => status === 503)).toHaveLength(1);
    emulator.advanceClock(1);
    expect((await burst(6)).filter((status) => status === 200)).toHaveLength(5);
    emulator.configure({ rateLimit: { drainPerSecond: 2, capacity: 10 } });
    emulator.reset();
    expect((await burst(11)).filter((status) => status === 503)).toHaveLength(1);
  });

  it('counts a batch of 50 commands as one request', async () => {
    emulator = await startEmulator({ clockSpeed: FROZEN, rateLimit: { drainPerSecond: 2, capacity: 3 } });
    const cmd = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`c${i}`, 'crm.deal.add?fields[TITLE]=x']),
    );
    expect(await burst(3, 'batch', { cmd })).toEqual([200, 200, 200]);
    expect(emulator.deals()).toHaveLength(150);
    expect((await call(emulator.webhookUrl, 'batch', { cmd })).status).toBe(503);
    expect(emulator.stats().batchSizes).toEqual([50, 50, 50]);
  });

  it('counts requests that fail auth or name an unknown method', async () => {
    emulator = await startEmulator({ clockSpeed: FROZEN, rateLimit: { drainPerSecond: 2, capacity: 2 } });
    expect((await call(`${emulator.url}/rest/1/bad/`, 'profile')).status).toBe(401);
    expect((await call(emulator.webhookUrl, 'no.such')).status).toBe(404);
    expect((await call(emulator.webhookUrl, 'profile')).status).toBe(503);
  });

  it('reports the peak request rate per virtual second', async () => {
    emulator = await startEmulator({ clockSpeed: FROZEN });
    await burst(7);
    emulator.advanceClock(2);
    await burst(3);
    expect(emulator.stats().peakRequestsPerSecond).toBe(7);
    expect(emulator.stats().requests).toBe(10);
  });
});

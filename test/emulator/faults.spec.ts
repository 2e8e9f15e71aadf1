import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor } from './rest-call.js';

describe('emulator fault injection', () => {
  let emulators: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(emulators.map((emulator) => emulator.close()));
    emulators = [];
  });
  const start = async (...args: Parameters<typeof emulatorFor>) => {
    const emulator = await emulatorFor(...args);
    emulators.push(emulator);
    return emulator;
  };
  const outcome = (base: string, method = 'profile', params: unknown = {}) =>
    call(base, method, params).then(
      (answer) => answer.status,
      () => 'dropped',
    );

  it('destroys the connection before processing at dropRate 1: nothing is written', async () => {
    const emulator = await start({ faults: { dropRate: 1 } });
    expect(await outcome(emulator.webhookUrl, 'crm.deal.add', { fields: { TITLE: 'lost' } })).toBe('dropped');
    expect(emulator.deals()).toHaveLength(0);
    expect(emulator.stats().faults).toEqual({ drop: 1 });
  });

  it('applies the write and then loses the response at commitThenDropRate 1', async () => {
    const emulator = await start({ faults: { commitThenDropRate: 1 } });
    expect(await outcome(emulator.webhookUrl, 'crm.deal.add', { fields: { TITLE: 'committed' } })).toBe(
      'dropped',
    );
    expect(emulator.deals().map((deal) => deal.TITLE)).toEqual(['committed']);
    expect(emulator.stats().writes).toBe(1);
  });

  it('answers 500 as JSON and 502 as an nginx HTML page, without running the method', async () => {
    const emulator = await start({ faults: { serverErrorRate: 1, seed: 7 } });
    const seen = new Map<number, { type: string | null; text: string }>();
    for (let i = 0; i < 12 && seen.size < 2; i++) {
      const answer = await call(emulator.webhookUrl, 'crm.deal.add', { fields: {} });
      seen.set(answer.status, { type: answer.headers.get('content-type'), text: answer.text });
    }
    expect([...seen.keys()].sort()).toEqual([500, 502]);
    expect(seen.get(502)?.type).toBe('text/html');
    expect(seen.get(502)?.text).toContain('<title>502 Bad Gateway</title>');
    expect(JSON.parse(seen.get(500)?.text ?? '{}')).toEqual({
      error: 'ERROR_CORE',
      error_description: 'SQL query error!',
    });
    expect(emulator.deals()).toHaveLength(0);
  });

  it('produces the same fault sequence for the same seed', async () => {
    const faults = { dropRate: 0.2, serverErrorRate: 0.3, commitThenDropRate: 0.1, seed: 42 };
    const sequence = async (emulator: RunningEmulator) => {
      const results: Array<number | string> = [];
      for (let i = 0; i < 20; i++) {
        results.push(await outcome(emulator.webhookUrl));
      }
      return results;
    };
    const first = await sequence(await start({ faults }));
    const second = await sequence(await start({ faults }));
    expect(first).toEqual(second);
    expect(new Set(first).size).toBeGreaterThan(2);
  });

  it('changes faults at run time', async () => {
    const emulator = await start();
    expect(await outcome(emulator.webhookUrl)).toBe(200);
    emulator.setFaults({ dropRate: 1 });
    expect(await outcome(emulator.webhookUrl)).toBe('dropped');
    emulator.setFaults({ dropRate: 0 });
    expect(await outcome(emulator.webhookUrl)).toBe(200);
  });

  it('cuts a request whose simulated duration passes 60 s with a 504 page after the write was applied', async () => {
    const emulator = await start({ latencyMs: 20, clockSpeed: 4000 });
    const answer = await call(emulator.webhookUrl, 'crm.deal.add', { fields: { TITLE: 'slow' } });
    expect(answer.status).toBe(504);
    expect(answer.text).toContain('504 Gateway Time-out');
    expect(emulator.deals()).toHaveLength(1);
  });

  it('answers 302 to the new address after a portal rename; the new address serves', async () => {
    const emulator = await start();
    const port = new URL(emulator.url).port;
    emulator.configure({ movedTo: `http://localhost:${port}` });
    const response = await fetch(`${emulator.webhookUrl}profile?x=1`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      `http://localhost:${port}${new URL(emulator.webhookUrl).pathname}profile?x=1`,
    );
    const moved = emulator.webhookUrl.replace('127.0.0.1', 'localhost');
    expect((await call(moved, 'profile')).status).toBe(200);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { Bitrix24ErrorClass, type Bitrix24Error } from '../../src/bitrix24/bitrix24.error.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { CapturingLogger, failureOf, webhookAuthOf, webhookClient } from './support/emulator-client.js';
import { setOnlyFaults } from './support/faults.js';

const PATIENCE_MS = 300;

/** A port nothing listens on: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Bitrix24Client when the portal is unreachable', () => {
  let emulator: RunningEmulator;
  const clients: Bitrix24Client[] = [];
  const clientOf = (options: Parameters<typeof webhookClient>[1] = {}) => {
    const client = webhookClient(emulator, { retry: { patienceMs: PATIENCE_MS }, ...options });
    clients.push(client);
    return client;
  };
  const received = (method: string) =>
    emulator.requestLog().filter((entry) => entry.method === method).length;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    setOnlyFaults(emulator);
    emulator.reset();
  });
  afterAll(() => emulator.close());

  it('retries a refused connection for the patience, then fails once as unreachable, stopping runs', async () => {
    const logger = new CapturingLogger();
    const auth = { ...webhookAuthOf(emulator), portalUrl: `http://127.0.0.1:${await closedPort()}` };
    const offline = clientOf({ auth, logger, retry: { patienceMs: PATIENCE_MS, maxRetries: 1_000 } });

    const error = await failureOf(offline.call('crm.deal.add', { fields: { TITLE: 'x' } }));

    expect(error).toMatchObject({
      classification: Bitrix24ErrorClass.Transport,
      code: 'CONNECTION_FAILED',
      outcome: 'not_applied',
      unreachable: true,
      stopsRuns: true,
      failsRow: false,
    });
    expect(error.message).toMatch(/^Bitrix24 unreachable: crm\.deal\.add: CONNECTION_FAILED/);
    expect(offline.stats.countByStatus('transport')).toBeGreaterThanOrEqual(2);
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringContaining('Bitrix24 unreachable'),
    ]);
  });

  it('keeps a write whose answer was lost unknown, and waits for the portal to answer before reporting it', async () => {
    setOnlyFaults(emulator, { commitThenDropRate: 0.5, seed: 2 });
    const client = clientOf({ retry: { patienceMs: 10_000 } });

    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        client.call('crm.deal.add', { fields: { TITLE: `maybe ${index}` } }).then(
          () => null,
          (error: unknown) => error as Bitrix24Error,
        ),
      ),
    );

    const lost = outcomes.filter((error) => error !== null);
    expect(lost.length).toBeGreaterThan(0);
    for (const error of lost) {
      expect(error).toMatchObject({ outcome: 'unknown', unreachable: false, stopsRuns: false });
    }
    expect(received('crm.deal.add')).toBe(6);
    expect(received('server.time')).toBeGreaterThan(0);
  });

  it('reports a write answered 5xx for the whole patience as unreachable with an unknown outcome', async () => {
    setOnlyFaults(emulator, { serverErrorRate: 1 });
    const client = clientOf();

    const error = await failureOf(client.call('crm.deal.add', { fields: { TITLE: 'x' } }));

    expect(error).toMatchObject({
      classification: Bitrix24ErrorClass.Server,
      outcome: 'unknown',
      unreachable: true,
      stopsRuns: true,
    });
    expect(received('crm.deal.add')).toBe(1);
  });

  it('fails the calls queued behind a hung request without sending them; a later call is sent', async () => {
    setOnlyFaults(emulator, { latencyMs: 1_000 });
    const client = clientOf({ maxInFlight: 1, transport: { requestTimeoutMs: PATIENCE_MS } });

    const [hung, queued] = await Promise.all([
      failureOf(client.call('crm.deal.add', { fields: { TITLE: 'hung' } })),
      failureOf(client.call('crm.deal.update', { id: 1, fields: { TITLE: 'queued' } })),
    ]);

    expect(hung).toMatchObject({ code: 'REQUEST_TIMEOUT', outcome: 'unknown', unreachable: true });
    expect(queued).toMatchObject({ outcome: 'not_applied', unreachable: true, method: 'crm.deal.update' });
    expect(received('crm.deal.update')).toBe(0);

    setOnlyFaults(emulator);
    await expect(client.call('crm.deal.list')).resolves.toMatchObject({ result: expect.any(Array) });
    // The portal still works on the hung request; let it finish before the emulator closes.
    while (received('crm.deal.add') === 0) {
      await sleep(50);
    }
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { Secret } from '../../src/config/secret.js';
import { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { Bitrix24ErrorClass, RecordErrorReason } from '../../src/bitrix24/bitrix24.error.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { failureOf, webhookAuthOf, webhookClient } from './support/emulator-client.js';
import { seedFor, setOnlyFaults } from './support/faults.js';

describe('Bitrix24Client against the emulator: calls and error classes', () => {
  let emulator: RunningEmulator;
  let client: Bitrix24Client;

  beforeAll(async () => {
    emulator = await startEmulator();
    client = webhookClient(emulator, { retry: { maxRetries: 2 } });
  });
  afterEach(() => {
    setOnlyFaults(emulator);
    emulator.reset();
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });
  /** Requests the portal received for this method (a lost answer also makes the client probe with server.time). */
  const received = (method: string) =>
    emulator.requestLog().filter((entry) => entry.method === method).length;

  it('calls a method through the incoming webhook', async () => {
    const created = await client.call<number>('crm.deal.add', { fields: { TITLE: 'Order 1' } });
    expect(created.result).toBeGreaterThan(0);
    const read = await client.call<Record<string, unknown>>('crm.deal.get', { id: created.result });
    expect(read.result.TITLE).toBe('Order 1');
    expect(emulator.requestLog().map((entry) => entry.auth)).toEqual(['webhook', 'webhook']);
  });

  it('reports a CRM validation error with an empty code as a record failure, not a success', async () => {
    const error = await failureOf(
      client.call('crm.deal.add', { fields: { TITLE: 'x', CURRENCY_ID: 'XXX' } }),
    );
    expect(error).toMatchObject({
      code: '',
      httpStatus: 400,
      method: 'crm.deal.add',
      classification: Bitrix24ErrorClass.Record,
      reason: RecordErrorReason.Validation,
      outcome: 'not_applied',
      stopsRuns: false,
    });
    expect(emulator.deals()).toHaveLength(0);
  });

  it('reports a missing record as not found', async () => {
    const error = await failureOf(client.call('crm.deal.get', { id: 424242 }));
    expect(error).toMatchObject({
      classification: Bitrix24ErrorClass.Record,
      reason: RecordErrorReason.NotFound,
    });
  });

  it('reports a wrong webhook secret as an auth error that stops runs, after one request', async () => {
    const auth = { ...webhookAuthOf(emulator), secret: new Secret('not-the-secret') };
    const wrong = new Bitrix24Client({ auth });
    try {
      const error = await failureOf(wrong.call('crm.deal.list'));
      expect(error).toMatchObject({
        code: 'INVALID_CREDENTIALS',
        classification: Bitrix24ErrorClass.Auth,
        stopsRuns: true,
      });
      expect(error.message).toContain('BITRIX24_WEBHOOK_URL');
      expect(emulator.stats().requests).toBe(1);
    } finally {
      await wrong.close();
    }
  });

  it('reports a missing scope as an auth error', async () => {
    const error = await failureOf(client.call('task.item.list'));
    expect(['auth', 'record']).toContain(error.classification);
    expect(error.stopsRuns).toBe(true);
  });

  it('reports an unconfigured portal without sending anything', async () => {
    const none = new Bitrix24Client({ auth: undefined });
    const error = await failureOf(none.call('crm.deal.list'));
    expect(error).toMatchObject({
      code: 'NOT_CONFIGURED',
      classification: Bitrix24ErrorClass.Auth,
      stopsRuns: true,
    });
    await none.close();
  });

  it('answers a write whose connection drops after it ran as unknown, and never sends it again', async () => {
    setOnlyFaults(emulator, { commitThenDropRate: 1 });
    const error = await failureOf(
      client.call('crm.deal.add', { fields: { TITLE: 'maybe', ORIGIN_ID: '7' } }),
    );
    expect(error).toMatchObject({
      classification: Bitrix24ErrorClass.Transport,
      outcome: 'unknown',
      code: 'CONNECTION_LOST',
      unreachable: false,
    });
    expect(received('crm.deal.add')).toBe(1);
    expect(emulator.deals().map((deal) => deal.ORIGIN_ID)).toEqual(['7']);
  });

  it('retries a read whose connection drops, with backoff, up to the retry limit', async () => {
    setOnlyFaults(emulator, { dropRate: 1 });
    const error = await failureOf(client.call('crm.deal.list'));
    expect(error).toMatchObject({ classification: Bitrix24ErrorClass.Transport, outcome: 'unknown' });
    expect(emulator.stats().requests).toBe(3);
  });

  it('recovers a read when a retry gets through', async () => {
    setOnlyFaults(emulator, { dropRate: 0.5, seed: seedFor(0.5, [true, false]) });
    await expect(client.call('crm.deal.list')).resolves.toMatchObject({ result: [] });
    expect(emulator.stats().requests).toBe(2);
  });

  it.each([
    { what: 'a write', method: 'crm.deal.add', requests: 1, outcome: 'unknown' },
    { what: 'a read', method: 'crm.deal.list', requests: 3, outcome: 'unknown' },
  ])(
    'reports 5xx answers (JSON and HTML) as server errors; $what is sent $requests time(s)',
    async ({ method, requests, outcome }) => {
      setOnlyFaults(emulator, { serverErrorRate: 1 });
      const error = await failureOf(client.call(method, { fields: { TITLE: 't' } }));
      expect(error.classification).toBe(Bitrix24ErrorClass.Server);
      expect(error.outcome).toBe(outcome);
      expect([500, 502]).toContain(error.httpStatus);
      expect(received(method)).toBe(requests);
    },
  );

  it('reports a request that outlives the timeout as a transport failure with unknown outcome', async () => {
    const slow = webhookClient(emulator, { transport: { requestTimeoutMs: 100 } });
    setOnlyFaults(emulator, { latencyMs: 400 });
    try {
      const error = await failureOf(slow.call('crm.deal.add', { fields: { TITLE: 'slow' } }));
      expect(error).toMatchObject({
        classification: Bitrix24ErrorClass.Transport,
        code: 'REQUEST_TIMEOUT',
        outcome: 'unknown',
      });
      expect(received('crm.deal.add')).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('names the setting to change when the portal moved (HTTP 302), without following it', async () => {
    emulator.configure({ movedTo: 'https://renamed.bitrix24.example' });
    try {
      const error = await failureOf(client.call('crm.deal.add', { fields: { TITLE: 'x' } }));
      expect(error).toMatchObject({
        code: 'PORTAL_MOVED',
        httpStatus: 302,
        classification: Bitrix24ErrorClass.Auth,
        stopsRuns: true,
      });
      expect(error.message).toContain('renamed.bitrix24.example');
      expect(error.message).toContain('BITRIX24_WEBHOOK_URL');
      expect(emulator.stats().requests).toBe(1);
    } finally {
      emulator.configure({ movedTo: undefined });
    }
  });

  it('calls a portal over HTTPS whose certificate it is told to trust', async () => {
    const secure = await startEmulator({ https: true });
    const trusting = new Bitrix24Client({ auth: webhookAuthOf(secure), transport: { ca: secure.ca } });
    const wary = new Bitrix24Client({ auth: webhookAuthOf(secure), retry: { maxRetries: 0 } });
    try {
      await expect(trusting.call('crm.deal.list')).resolves.toMatchObject({ result: [] });
      const error = await failureOf(wary.call('crm.deal.list'));
      expect(error).toMatchObject({
        classification: Bitrix24ErrorClass.Transport,
        code: 'CONNECTION_FAILED',
        outcome: 'not_applied',
      });
    } finally {
      await Promise.all([trusting.close(), wary.close()]);
      await secure.close();
    }
  });

  describe('with nothing listening on the port', () => {
    let closed: Server;
    let port: number;

    beforeAll(async () => {
      closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      port = (closed.address() as { port: number }).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
    });

    it('reports a refused connection as not applied, so even a write may be retried', async () => {
      const auth = { ...webhookAuthOf(emulator), portalUrl: `http://127.0.0.1:${port}` };
      const offline = new Bitrix24Client({
        auth,
        retry: { maxRetries: 1 },
        backoff: { baseMs: 5, maxMs: 10 },
      });
      try {
        const error = await failureOf(offline.call('crm.deal.add', { fields: { TITLE: 'x' } }));
        expect(error).toMatchObject({
          classification: Bitrix24ErrorClass.Transport,
          code: 'CONNECTION_FAILED',
          outcome: 'not_applied',
        });
        expect(offline.stats.countByStatus('transport')).toBe(2);
      } finally {
        await offline.close();
      }
    });
  });
});

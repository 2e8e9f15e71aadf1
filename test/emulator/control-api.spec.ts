import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type {
  Deal,
  EmulatorStats,
  PrintedRecord,
  RequestLogEntry,
  RunningEmulator,
  RuntimeConfig,
} from '../../src/emulator/index.js';
import { addDeal, call, control, emulatorFor } from './rest-call.js';

describe('emulator control API (/_emulator/*)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor({ webhook: { userId: 1, secret: 'topsecret-value' } });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('lists stored deals as crm.deal.get prints them', async () => {
    await addDeal(emulator, { TITLE: 'one', OPPORTUNITY: 5 });
    const deals = await control<Deal[]>(emulator, 'deals');
    expect(deals).toEqual(emulator.deals());
    expect(deals[0]).toMatchObject({ ID: '1', TITLE: 'one', OPPORTUNITY: '5.00' });
  });

  it('edits a deal by hand, moving DATE_MODIFY and MODIFY_BY_ID to another user', async () => {
    const id = await addDeal(emulator, { TITLE: 'before' });
    emulator.advanceClock(60);
    const edited = await control<Deal>(emulator, `deals/${id}`, { fields: { TITLE: 'by hand' } });
    expect(edited).toMatchObject({ TITLE: 'by hand', MODIFY_BY_ID: '2' });
    expect(edited.DATE_MODIFY).not.toBe(edited.DATE_CREATE);
    expect(emulator.editDeal(id, { COMMENTS: 'api' }, 7)).toMatchObject({
      COMMENTS: 'api',
      MODIFY_BY_ID: '7',
    });
  });

  it('creates and deletes deals by hand', async () => {
    const { id } = await control<{ id: number }>(emulator, 'deals', {
      fields: { TITLE: 'manual', ORIGIN_ID: 'x' },
    });
    expect(emulator.deals()[0]).toMatchObject({ ID: String(id), CREATED_BY_ID: '2' });
    const response = await fetch(`${emulator.url}/_emulator/deals/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(emulator.deals()).toEqual([]);
  });

  it('reports counters by method and status, batch sizes and writes', async () => {
    await addDeal(emulator, {});
    await call(emulator.webhookUrl, 'crm.deal.get', { id: 99 });
    await call(emulator.webhookUrl, 'batch', { cmd: { a: 'crm.deal.add', b: 'crm.deal.add' } });
    const stats = await control<EmulatorStats>(emulator, 'stats');
    expect(stats).toMatchObject({
      requests: 3,
      byMethod: { 'crm.deal.add': 1, 'crm.deal.get': 1, batch: 1 },
      byStatus: { 200: 2, 400: 1 },
      batchSizes: [2],
      writes: 3,
      queryLimitExceeded: 0,
    });
  });

  it('counts calls per method, batch commands one by one, and writes per method', async () => {
    await call(emulator.webhookUrl, 'batch', {
      cmd: {
        a: 'crm.deal.add',
        b: 'crm.deal.productrows.set?id=$result[a]&rows[0][PRICE]=1',
        c: 'crm.deal.get?id=7',
      },
    });
    await call(emulator.webhookUrl, 'crm.company.add', { fields: { TITLE: 'x' } });
    const stats = await control<EmulatorStats>(emulator, 'stats');
    expect(stats.callsByMethod).toEqual({
      'crm.deal.add': 1,
      'crm.deal.productrows.set': 1,
      'crm.deal.get': 1,
      'crm.company.add': 1,
    });
    expect(stats.writesByMethod).toEqual({
      'crm.deal.add': 1,
      'crm.deal.productrows.set': 1,
      'crm.company.add': 1,
    });
    expect(stats.byMethod).toEqual({ batch: 1, 'crm.company.add': 1 });
  });

  it('lists, creates, edits and deletes companies and contacts by hand, multi-fields included', async () => {
    const { id } = await control<{ id: number }>(emulator, 'companies', {
      fields: { TITLE: 'Acme', EMAIL: [{ VALUE: 'a@acme.test' }] },
    });
    expect(emulator.companies()).toEqual([
      expect.objectContaining({
        ID: String(id),
        TITLE: 'Acme',
        CREATED_BY_ID: '2',
        EMAIL: [expect.objectContaining({ VALUE: 'a@acme.test' })],
      }),
    ]);
    const edited = await control<PrintedRecord>(emulator, `companies/${id}`, {
      fields: { TITLE: 'Acme Ltd' },
    });
    expect(edited).toMatchObject({ TITLE: 'Acme Ltd', MODIFY_BY_ID: '2' });
    await control(emulator, 'contacts', { fields: { NAME: 'Kim', COMPANY_ID: id } });
    expect(await control<PrintedRecord[]>(emulator, 'contacts')).toEqual([
      expect.objectContaining({ NAME: 'Kim', COMPANY_ID: String(id) }),
    ]);
    expect((await fetch(`${emulator.url}/_emulator/companies/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(emulator.contacts()[0]).toMatchObject({ COMPANY_ID: null });
  });

  it("lists a deal's product rows", async () => {
    const id = await addDeal(emulator, {});
    await call(emulator.webhookUrl, 'crm.deal.productrows.set', {
      id,
      rows: [{ PRODUCT_NAME: 'W', PRICE: 3 }],
    });
    const rows = await control<Array<Record<string, unknown>>>(emulator, `deals/${id}/productrows`);
    expect(rows).toEqual(emulator.productRows(id));
    expect(rows).toEqual([expect.objectContaining({ PRODUCT_NAME: 'W', PRICE: 3, QUANTITY: 1 })]);
  });

  it('logs requests without secrets', async () => {
    await call(emulator.webhookUrl, 'profile', { auth: 'should-not-appear' });
    const log = await control<RequestLogEntry[]>(emulator, 'requests');
    expect(log).toEqual([
      expect.objectContaining({ method: 'profile', status: 200, auth: 'webhook', httpMethod: 'POST' }),
    ]);
    expect(JSON.stringify(log)).not.toContain('topsecret-value');
    expect(JSON.stringify(log)).not.toContain('should-not-appear');
  });

  it('resets deals and counters', async () => {
    await addDeal(emulator, {});
    await control(emulator, 'reset', {});
    expect(emulator.deals()).toEqual([]);
    expect(emulator.stats().requests).toBe(0);
    expect(await addDeal(emulator, {})).toBe(1);
  });

  it('reads and changes the runtime config (faults, rate limit, clock) without exposing secrets', async () => {
    const config = await control<RuntimeConfig>(emulator, 'config', {
      faults: { serverErrorRate: 1 },
      rateLimit: { drainPerSecond: 5, capacity: 250 },
    });
    expect(config.rateLimit).toEqual({ drainPerSecond: 5, capacity: 250 });
    expect((await call(emulator.webhookUrl, 'profile')).status).toBeGreaterThanOrEqual(500);
    await control(emulator, 'config', { faults: { serverErrorRate: 0 } });
    expect((await call(emulator.webhookUrl, 'profile')).status).toBe(200);
    expect(JSON.stringify(await control(emulator, 'config'))).not.toContain('topsecret-value');
  });

  it('rejects an invalid config with 400 and a message naming the setting', async () => {
    const response = await fetch(`${emulator.url}/_emulator/config`, {
      method: 'POST',
      body: JSON.stringify({ faults: { dropRate: 2 } }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('faults.dropRate');
  });

  it('advances virtual time and issues OAuth material', async () => {
    const before = emulator.now();
    const clock = await control<{ nowMs: number }>(emulator, 'clock', { advanceSeconds: 3600 });
    expect(clock.nowMs - before).toBeGreaterThanOrEqual(3_600_000);
    const { refreshToken } = await control<{ refreshToken: string }>(emulator, 'oauth/refresh-token', {});
    expect(refreshToken).toMatch(/^[0-9a-f]{64}$/);
  });
});

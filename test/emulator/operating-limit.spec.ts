import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor, type Json } from './rest-call.js';

const FROZEN = 1e-6;

describe('emulator operating-time limit (bitrix24-api.md §3.2)', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(() => emulator?.close());

  const add = () => call(emulator?.webhookUrl ?? '', 'crm.deal.add', { fields: { TITLE: 'x' } });

  it('blocks a method with 429 once its 10-minute sum exceeds the limit; the call that crosses still runs', async () => {
    emulator = await emulatorFor({
      clockSpeed: FROZEN,
      operating: { limitSeconds: 1, methodCostSeconds: { 'crm.deal.add': 0.3 } },
    });
    const operating: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await add();
      expect(answer.status).toBe(200);
      operating.push(answer.body.time?.operating);
    }
    expect(operating).toEqual([0.3, 0.6, 0.9, 1.2]);
    const blocked = await add();
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: 'OPERATION_TIME_LIMIT',
      error_description: 'Method is blocked due to operation time limit.',
    });
    expect(emulator.deals()).toHaveLength(4);
    expect((await call(emulator.webhookUrl, 'crm.deal.list', { select: ['ID'] })).status).toBe(200);
    expect(emulator.stats().operatingLimitExceeded).toBe(1);
  });

  it('lifts the block when the buckets leave the 10-minute window, at operating_reset_at', async () => {
    emulator = await emulatorFor({
      clockSpeed: FROZEN,
      operating: { limitSeconds: 0.5, methodCostSeconds: { 'crm.deal.add': 0.6 } },
    });
    const first = await add();
    const resetAt = first.body.time?.operating_reset_at as number;
    expect(resetAt).toBe(Math.floor((first.body.time?.start as number) / 60) * 60 + 600);
    expect((await add()).status).toBe(429);
    emulator.advanceClock(resetAt - emulator.now() / 1000 + 1);
    expect((await add()).status).toBe(200);
  });

  it('records only per-request sums above 0.1 s', async () => {
    emulator = await emulatorFor({
      operating: { limitSeconds: 0.2, methodCostSeconds: { 'crm.deal.add': 0.1 } },
    });
    for (let i = 0; i < 5; i++) {
      expect((await add()).body.time?.operating).toBe(0);
    }
  });

  it("charges nested calls per method and leaves the outer batch free in 'nested' mode (default)", async () => {
    emulator = await emulatorFor({
      clockSpeed: FROZEN,
      operating: { limitSeconds: 1, methodCostSeconds: { 'crm.deal.add': 0.3 } },
    });
    const cmd = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`a${i}`, 'crm.deal.add?fields[TITLE]=n']),
    );
    const batch = await call(emulator.webhookUrl, 'batch', { cmd });
    expect(batch.body.time?.operating).toBe(0);
    const times = (batch.body.result as Json).result_time as Record<string, Json>;
    expect(times.a4?.operating).toBe(1.5);
    expect((await add()).status).toBe(429);
    const second = await call(emulator.webhookUrl, 'batch', { cmd: { a: 'crm.deal.add', b: 'profile' } });
    expect(second.status).toBe(200);
    expect((second.body.result as Json).result_error).toEqual({
      a: expect.objectContaining({ error: 'OPERATION_TIME_LIMIT' }),
    });
    expect(emulator.stats().operatingLimitExceeded).toBe(2);
  });

  it("charges the whole batch to method 'batch' in 'batch' mode (measured cloud behaviour)", async () => {
    emulator = await emulatorFor({
      clockSpeed: FROZEN,
      operating: { limitSeconds: 1, batchCharge: 'batch', methodCostSeconds: { 'crm.deal.add': 0.3 } },
    });
    const cmd = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`a${i}`, 'crm.deal.add?fields[TITLE]=n']),
    );
    const batch = await call(emulator.webhookUrl, 'batch', { cmd });
    const times = (batch.body.result as Json).result_time as Record<string, Json>;
    expect(batch.body.time?.operating).toBe(1.5);
    expect(new Set(Object.values(times).map((time) => time.operating))).toEqual(new Set([1.5]));
    expect((await add()).body.time?.operating).toBe(0.3);
    const blocked = await call(emulator.webhookUrl, 'batch', { cmd });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('OPERATION_TIME_LIMIT');
  });

  it('keeps separate budgets for the webhook and the OAuth app', async () => {
    emulator = await emulatorFor({
      clockSpeed: FROZEN,
      operating: { limitSeconds: 0.5, methodCostSeconds: { profile: 0.6 } },
    });
    await call(emulator.webhookUrl, 'profile');
    expect((await call(emulator.webhookUrl, 'profile')).status).toBe(429);
    const tokenResponse = await fetch(emulator.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: emulator.oauth.clientId,
        client_secret: emulator.oauth.clientSecret,
        refresh_token: emulator.oauth.refreshToken,
      }),
    });
    const { access_token: access } = (await tokenResponse.json()) as { access_token: string };
    expect((await call(`${emulator.url}/rest/`, 'profile', { auth: access })).status).toBe(200);
  });

  it('keeps one budget per method with its own cost, so three create methods each get the full budget', async () => {
    emulator = await emulatorFor({
      clockSpeed: FROZEN,
      operating: {
        limitSeconds: 0.25,
        methodCostSeconds: { 'crm.deal.add': 0.15, 'crm.item.add': 0.15, 'crm.item.batchImport': 0.15 },
      },
    });
    const itemAdd = () => call(emulator?.webhookUrl ?? '', 'crm.item.add', { entityTypeId: 2, fields: {} });
    const cmd = Object.fromEntries(Array.from({ length: 2 }, (_, i) => [`a${i}`, 'crm.deal.add']));
    expect((await call(emulator.webhookUrl, 'batch', { cmd })).status).toBe(200);
    expect((await add()).status).toBe(429);
    expect((await itemAdd()).body.time?.operating).toBe(0.15);
    const data = [{ title: 'one' }, { title: 'two' }];
    const imported = await call(emulator.webhookUrl, 'crm.item.batchImport', { entityTypeId: 2, data });
    expect(imported.body.time).toMatchObject({ operating: 0.3, processing: 0.3 });
    const again = await call(emulator.webhookUrl, 'crm.item.batchImport', { entityTypeId: 2, data });
    expect(again.status).toBe(429);
    expect(emulator.deals()).toHaveLength(5);
  });
});

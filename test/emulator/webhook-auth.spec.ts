import { afterEach, describe, expect, it } from '@jest/globals';
import type { AccessState, RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor, type Json } from './rest-call.js';

describe('emulator webhook auth (bitrix24-api.md §2.4, §8)', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(() => emulator?.close());

  it('rejects an unknown secret or user with 401 INVALID_CREDENTIALS', async () => {
    emulator = await emulatorFor({ webhook: { userId: 1, secret: 's3cret' } });
    for (const base of [`${emulator.url}/rest/1/wrong/`, `${emulator.url}/rest/2/s3cret/`]) {
      const answer = await call(base, 'crm.deal.list');
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('INVALID_CREDENTIALS');
    }
  });

  it('accepts the owner login instead of the numeric user id', async () => {
    emulator = await emulatorFor({ webhook: { userId: 1, secret: 's3cret' } });
    expect((await call(`${emulator.url}/rest/admin/s3cret/`, 'profile')).status).toBe(200);
  });

  it('answers insufficient_scope for a method outside the webhook scopes, but not for batch itself', async () => {
    emulator = await emulatorFor({ scopes: ['user'] });
    const denied = await call(emulator.webhookUrl, 'crm.deal.list');
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the webhook token',
    });
    const batch = await call(emulator.webhookUrl, 'batch', {
      cmd: { a: 'crm.deal.list', b: 'user.current' },
    });
    expect(batch.status).toBe(200);
    const result = batch.body.result as Json;
    expect(result.result_error).toEqual({ a: expect.objectContaining({ error: 'insufficient_scope' }) });
    expect(result.result).toHaveProperty('b');
  });

  it.each<[string, Partial<AccessState>, string, string]>([
    ['plain HTTP when HTTPS is required', { requireHttps: true }, 'INVALID_REQUEST', 'Https required.'],
    ['a manual block', { blocked: true }, 'OVERLOAD_LIMIT', 'REST API is blocked due to overload.'],
    [
      'a plan without REST',
      { restAvailable: false },
      'ACCESS_DENIED',
      'REST is available only on commercial plans.',
    ],
    ['an inactive owner', { ownerActive: false }, 'authorization_error', 'Unable to authorize user'],
  ])('rejects %s with 401', async (_name, access, code, description) => {
    emulator = await emulatorFor();
    expect((await call(emulator.webhookUrl, 'profile')).status).toBe(200);
    emulator.configure({ access });
    const answer = await call(emulator.webhookUrl, 'profile');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: code, error_description: description });
  });

  it('checks HTTPS before credentials, like apauth/auth.php', async () => {
    emulator = await emulatorFor({ access: { requireHttps: true } });
    const answer = await call(`${emulator.url}/rest/1/wrong/`, 'profile');
    expect(answer.body.error).toBe('INVALID_REQUEST');
  });

  it('runs calls as the webhook owner: ASSIGNED_BY_ID, CREATED_BY_ID and MODIFY_BY_ID default to that user', async () => {
    emulator = await emulatorFor({ webhook: { userId: 2, secret: 'mgr' } });
    const id = (await call(emulator.webhookUrl, 'crm.deal.add', { fields: { TITLE: 'x' } })).body.result;
    const deal = (await call(emulator.webhookUrl, 'crm.deal.get', { id })).body.result as Json;
    expect(deal).toMatchObject({ ASSIGNED_BY_ID: '2', CREATED_BY_ID: '2', MODIFY_BY_ID: '2' });
    const profile = (await call(emulator.webhookUrl, 'profile')).body.result as Json;
    expect(profile.ID).toBe('2');
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor, type Json } from './rest-call.js';

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  error?: string;
  [key: string]: unknown;
}

async function token(
  emulator: RunningEmulator,
  params: Record<string, string>,
  how: 'GET' | 'POST' = 'POST',
) {
  const query = new URLSearchParams(params).toString();
  const response =
    how === 'GET'
      ? await fetch(`${emulator.oauth.tokenUrl}?${query}`)
      : await fetch(emulator.oauth.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: query,
        });
  return { status: response.status, body: (await response.json()) as TokenBody };
}

function refreshParams(emulator: RunningEmulator, refreshToken: string): Record<string, string> {
  return {
    grant_type: 'refresh_token',
    client_id: emulator.oauth.clientId,
    client_secret: emulator.oauth.clientSecret,
    refresh_token: refreshToken,
  };
}

describe('emulator OAuth (bitrix24-api.md §1.2, §7)', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(() => emulator?.close());

  it.each(['GET', 'POST'] as const)('refreshes with %s and answers the documented fields', async (how) => {
    emulator = await emulatorFor();
    const issuedFrom = Math.floor(emulator.now() / 1000);
    const answer = await token(emulator, refreshParams(emulator, emulator.oauth.refreshToken), how);
    const issuedTo = Math.floor(emulator.now() / 1000);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      expires_in: 3600,
      scope: 'crm,user',
      domain: 'oauth.bitrix.info',
      server_endpoint: `${emulator.url}/rest/`,
      client_endpoint: `${emulator.url}/rest/`,
      user_id: 1,
      status: 'L',
    });
    // Issued between two clock reads: a second may tick between them on a slow machine.
    expect(answer.body.expires).toBeGreaterThanOrEqual(issuedFrom + 3600);
    expect(answer.body.expires).toBeLessThanOrEqual(issuedTo + 3600);
    expect(typeof answer.body.member_id).toBe('string');
    expect(answer.body.access_token).toMatch(/^[0-9a-f]{64}$/);
    expect(answer.body.refresh_token).not.toBe(emulator.oauth.refreshToken);
  });

  it('rotates refresh tokens: a used one answers 400 invalid_grant, the new one works', async () => {
    emulator = await emulatorFor();
    const first = await token(emulator, refreshParams(emulator, emulator.oauth.refreshToken));
    const reused = await token(emulator, refreshParams(emulator, emulator.oauth.refreshToken));
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    const next = await token(emulator, refreshParams(emulator, first.body.refresh_token ?? ''));
    expect(next.status).toBe(200);
  });

  it('answers a bad client with 401 invalid_client', async () => {
    emulator = await emulatorFor();
    const answer = await token(emulator, {
      ...refreshParams(emulator, emulator.issueRefreshToken()),
      client_secret: 'x',
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
  });

  it('exchanges an authorization code once', async () => {
    emulator = await emulatorFor();
    const code = emulator.issueAuthorizationCode();
    const params = {
      grant_type: 'authorization_code',
      client_id: emulator.oauth.clientId,
      client_secret: emulator.oauth.clientSecret,
      code,
    };
    expect((await token(emulator, params, 'GET')).status).toBe(200);
    expect((await token(emulator, params, 'GET')).body.error).toBe('invalid_grant');
  });

  it.each([
    ['Authorization: Bearer', (t: string) => ({ params: {}, headers: { authorization: `Bearer ${t}` } })],
    ['auth parameter', (t: string) => ({ params: { auth: t }, headers: {} })],
    ['access_token parameter', (t: string) => ({ params: { access_token: t }, headers: {} })],
  ])('accepts the token from the %s and strips it from the method params', async (_name, place) => {
    emulator = await emulatorFor();
    const access =
      (await token(emulator, refreshParams(emulator, emulator.issueRefreshToken()))).body.access_token ?? '';
    const { params, headers } = place(access);
    const answer = await call(
      `${emulator.url}/rest/`,
      'crm.deal.add',
      { ...params, fields: { TITLE: 'oauth' } },
      { headers },
    );
    expect(answer.status).toBe(200);
    const deal = (
      await call(`${emulator.url}/rest/`, 'crm.deal.get', { id: answer.body.result, auth: access })
    ).body.result as Json;
    expect(deal.TITLE).toBe('oauth');
  });

  it('answers 401 expired_token after the lifetime and invalid_token for garbage', async () => {
    emulator = await emulatorFor({ accessTokenLifetimeSeconds: 60 });
    const access =
      (await token(emulator, refreshParams(emulator, emulator.issueRefreshToken()))).body.access_token ?? '';
    expect((await call(`${emulator.url}/rest/`, 'profile', { auth: access })).status).toBe(200);
    emulator.advanceClock(61);
    const expired = await call(`${emulator.url}/rest/`, 'profile', { auth: access });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({
      error: 'expired_token',
      error_description: 'The access token provided has expired',
    });
    const garbage = await call(`${emulator.url}/rest/`, 'profile', { auth: 'garbage' });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error).toBe('invalid_token');
  });

  it('expires every access token on demand and keeps the app working after a refresh', async () => {
    emulator = await emulatorFor();
    const pair = (await token(emulator, refreshParams(emulator, emulator.issueRefreshToken()))).body;
    emulator.expireAccessTokens();
    expect((await call(`${emulator.url}/rest/`, 'profile', { auth: pair.access_token })).body.error).toBe(
      'expired_token',
    );
    const renewed = (await token(emulator, refreshParams(emulator, pair.refresh_token ?? ''))).body;
    expect((await call(`${emulator.url}/rest/`, 'profile', { auth: renewed.access_token })).status).toBe(200);
  });

  it('runs token calls as the token user and answers insufficient_scope with the access-token wording', async () => {
    emulator = await emulatorFor({ scopes: ['crm'] });
    const access =
      (await token(emulator, refreshParams(emulator, emulator.issueRefreshToken()))).body.access_token ?? '';
    const answer = await call(`${emulator.url}/rest/`, 'user.current', { auth: access });
    expect(answer.status).toBe(401);
    expect(answer.body.error_description).toBe(
      'The request requires higher privileges than provided by the access token',
    );
  });

  it('can revoke the paired access token on refresh (legacy docs behaviour)', async () => {
    emulator = await emulatorFor({
      oauth: { clientId: 'app', clientSecret: 'sec', revokeAccessOnRefresh: true },
    });
    const pair = (await token(emulator, refreshParams(emulator, emulator.issueRefreshToken()))).body;
    await token(emulator, refreshParams(emulator, pair.refresh_token ?? ''));
    expect((await call(`${emulator.url}/rest/`, 'profile', { auth: pair.access_token })).body.error).toBe(
      'invalid_token',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import { B24Hook, B24OAuth } from '@bitrix24/b24jssdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

/**
 * The official SDK against the emulator. B24Hook refuses non-HTTPS webhook URLs, so the emulator runs
 * with its self-signed certificate; the SDK's axios uses Node's https.globalAgent, which is told to
 * trust exactly that certificate for the duration of this file (no global TLS switch-off).
 */
describe('@bitrix24/b24jssdk against the emulator', () => {
  let emulator: RunningEmulator;
  let previousCa: typeof https.globalAgent.options.ca;
  let b24: B24Hook;

  beforeAll(async () => {
    emulator = await startEmulator({ https: true });
    previousCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = emulator.ca;
    b24 = B24Hook.fromWebhookUrl(emulator.webhookUrl);
    b24.offClientSideWarning();
  });

  afterAll(async () => {
    https.globalAgent.options.ca = previousCa;
    https.globalAgent.destroy();
    await emulator.close();
  });

  const callMethod = async (method: string, params: Record<string, unknown>) => {
    const response = await b24.actions.v2.call.make({ method, params });
    return {
      ok: response.isSuccess,
      result: response.isSuccess ? response.getData()?.result : undefined,
      response,
    };
  };

  it('adds, updates and gets a deal', async () => {
    const added = await callMethod('crm.deal.add', {
      fields: { TITLE: 'SDK deal', OPPORTUNITY: 99.9, ORIGINATOR_ID: 'erp', ORIGIN_ID: 'sdk-1' },
    });
    expect(added).toMatchObject({ ok: true });
    expect(typeof added.result).toBe('number');
    const updated = await callMethod('crm.deal.update', {
      id: added.result,
      fields: { STAGE_ID: 'EXECUTING' },
    });
    expect(updated.result).toBe(true);
    const deal = (await callMethod('crm.deal.get', { id: added.result })).result as Record<string, unknown>;
    expect(deal).toMatchObject({
      TITLE: 'SDK deal',
      OPPORTUNITY: '99.90',
      STAGE_ID: 'EXECUTING',
      ORIGIN_ID: 'sdk-1',
    });
  });

  it('adds a company with multi-fields and a contact, links an order to both and sets its product rows', async () => {
    const response = await b24.actions.v2.batch.make({
      calls: {
        company: [
          'crm.company.add',
          {
            fields: {
              TITLE: 'SDK & Co',
              ORIGINATOR_ID: 'erp',
              ORIGIN_ID: 'c-1',
              EMAIL: [{ VALUE: 'sales@sdk.test', VALUE_TYPE: 'WORK' }],
              PHONE: [{ VALUE: '+1 555 0100', VALUE_TYPE: 'WORK' }],
            },
          },
        ],
        contact: ['crm.contact.add', { fields: { NAME: 'Kim', COMPANY_ID: '$result[company]' } }],
        deal: [
          'crm.deal.add',
          {
            fields: { TITLE: 'SDK order', COMPANY_ID: '$result[company]', CONTACT_IDS: ['$result[contact]'] },
          },
        ],
        rows: [
          'crm.deal.productrows.set',
          { id: '$result[deal]', rows: [{ PRODUCT_NAME: 'Widget', PRICE: 12.5, QUANTITY: 2 }] },
        ],
      },
      options: { isHaltOnError: true },
    });
    expect(response.isSuccess).toBe(true);
    const ids = response.getData() as Record<string, unknown>;
    const company = (await callMethod('crm.company.get', { id: ids.company })).result as Record<
      string,
      unknown
    >;
    expect(company).toMatchObject({
      TITLE: 'SDK & Co',
      ORIGIN_ID: 'c-1',
      EMAIL: [expect.objectContaining({ VALUE: 'sales@sdk.test', VALUE_TYPE: 'WORK', TYPE_ID: 'EMAIL' })],
      PHONE: [expect.objectContaining({ VALUE: '+1 555 0100', TYPE_ID: 'PHONE' })],
    });
    const found = await callMethod('crm.company.list', {
      filter: { ORIGINATOR_ID: 'erp', ORIGIN_ID: 'c-1' },
      select: ['ID'],
    });
    expect(found.result).toEqual([{ ID: String(ids.company) }]);
    const deal = (await callMethod('crm.deal.get', { id: ids.deal })).result as Record<string, unknown>;
    expect(deal).toMatchObject({
      COMPANY_ID: String(ids.company),
      CONTACT_ID: String(ids.contact),
      OPPORTUNITY: '25.00',
    });
    const rows = (await callMethod('crm.deal.productrows.get', { id: ids.deal })).result as unknown[];
    expect(rows).toEqual([expect.objectContaining({ PRODUCT_NAME: 'Widget', PRICE: 12.5, QUANTITY: 2 })]);
  });

  it('runs a named batch whose command strings the SDK builds with qs (+ and brackets survive)', async () => {
    const response = await b24.actions.v2.batch.make({
      calls: {
        first: ['crm.deal.add', { fields: { TITLE: 'A+B & C', ORIGIN_ID: 'sdk-2' } }],
        second: ['crm.deal.list', { filter: { ORIGIN_ID: 'sdk-2' }, select: ['ID', 'TITLE'] }],
      },
      options: { isHaltOnError: true },
    });
    expect(response.isSuccess).toBe(true);
    const data = response.getData() as Record<string, unknown>;
    expect(typeof data.first).toBe('number');
    expect(data.second).toEqual([{ ID: String(data.first), TITLE: 'A+B & C' }]);
  });

  it('pages through a list with callList (>ID + start=-1) and sees every deal', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => [
      'crm.deal.add',
      { fields: { ORIGINATOR_ID: 'bulk', ORIGIN_ID: `b${i}` } },
    ]);
    for (let round = 0; round < 3; round++) {
      const response = await b24.actions.v2.batch.make({
        calls: calls as Array<[string, Record<string, unknown>]>,
      });
      expect(response.isSuccess).toBe(true);
    }
    const list = await b24.actions.v2.callList.make({
      method: 'crm.deal.list',
      params: { filter: { ORIGINATOR_ID: 'bulk' }, select: ['ID'] },
    });
    expect(list.isSuccess).toBe(true);
    expect((list.getData() as unknown[]).length).toBe(150);
    const pageRequests = emulator.requestLog().filter((entry) => entry.method === 'crm.deal.list');
    expect(pageRequests).toHaveLength(4);
  });

  it("reports a CRM error the SDK cannot name: the reference's empty code and HTTP 400 win", async () => {
    // The SDK only reads non-empty `error` codes (bitrix24-api.md §10.1), so it surfaces this as a
    // transport-style failure; the emulator still answers exactly what the portal does.
    await expect(callMethod('crm.deal.get', { id: 0 })).rejects.toThrow(
      'Request failed with status code 400',
    );
    const last = emulator.requestLog().at(-1);
    expect(last).toMatchObject({ method: 'crm.deal.get', status: 400, error: '' });
  });

  const refresh = (refreshToken: string) =>
    // fetch does not use https.globalAgent: it gets the CA through its own dispatcher.
    undiciFetch(emulator.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: emulator.oauth.clientId,
        client_secret: emulator.oauth.clientSecret,
        refresh_token: refreshToken,
      }).toString(),
      dispatcher: new Agent({ connect: { ca: emulator.ca } }),
    });

  it('refreshes an expired OAuth token against the emulator token endpoint and re-sends the call', async () => {
    const token = (await (await refresh(emulator.oauth.refreshToken)).json()) as Record<
      string,
      string | number
    >;
    const oauth = new B24OAuth(
      {
        applicationToken: '',
        userId: Number(token.user_id),
        memberId: String(token.member_id),
        accessToken: String(token.access_token),
        refreshToken: String(token.refresh_token),
        expires: Number(token.expires),
        expiresIn: Number(token.expires_in),
        scope: String(token.scope),
        domain: new URL(emulator.url).host,
        clientEndpoint: String(token.client_endpoint),
        serverEndpoint: String(token.server_endpoint),
        status: 'L',
      },
      { clientId: emulator.oauth.clientId, clientSecret: emulator.oauth.clientSecret },
    );
    oauth.offClientSideWarning();
    const before = await oauth.actions.v2.call.make({ method: 'profile', params: {} });
    expect(before.isSuccess).toBe(true);
    emulator.expireAccessTokens();
    const after = await oauth.actions.v2.call.make({
      method: 'crm.deal.list',
      params: { select: ['ID'], start: -1 },
    });
    expect(after.isSuccess).toBe(true);
    const statuses = emulator
      .requestLog()
      .filter((entry) => entry.auth === 'oauth' || entry.error === 'expired_token')
      .map((entry) => `${entry.method}:${entry.status}`);
    expect(statuses.slice(-2)).toEqual(['crm.deal.list:401', 'crm.deal.list:200']);
    // The SDK rotated to a new pair: the refresh token it started with is dead now.
    expect((await refresh(String(token.refresh_token))).status).toBe(400);
  });
});

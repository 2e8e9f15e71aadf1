import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor } from './rest-call.js';

describe('emulator routing (bitrix24-api.md §1.1)', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await emulatorFor();
  });
  afterAll(() => emulator.close());

  it.each([
    ['plain method', ''],
    ['.json suffix', '.json'],
    ['trailing slash', '/'],
    ['.json and trailing slash', '.json/'],
  ])('serves a webhook call with %s', async (_name, suffix) => {
    const answer = await call(emulator.webhookUrl, 'crm.currency.list', {}, { suffix });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Array.isArray(answer.body.result)).toBe(true);
  });

  it('serves the .xml transport with a <response> root and <item> for list entries', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.currency.list', {}, { suffix: '.xml' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(answer.text).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?><response><result><item><CURRENCY>RUB</,
    );
  });

  it('lower-cases the method name before lookup', async () => {
    const answer = await call(emulator.webhookUrl, 'CRM.Deal.Fields');
    expect(answer.status).toBe(200);
    expect(answer.body.result).toHaveProperty('ORIGIN_ID');
  });

  it('answers an unknown method with 404 ERROR_METHOD_NOT_FOUND', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.frobnicate');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  });

  it('answers a webhook URL missing its user segment as an unknown method', async () => {
    const secret = new URL(emulator.webhookUrl).pathname.split('/')[3] ?? '';
    const answer = await call(`${emulator.url}/rest/${secret}/`, 'crm.deal.list');
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe('ERROR_METHOD_NOT_FOUND');
  });

  it('looks the method up before checking auth: an unknown method with bad credentials is still 404', async () => {
    const answer = await call(`${emulator.url}/rest/1/wrong-secret/`, 'no.such.method');
    expect(answer.status).toBe(404);
  });

  it('routes /rest/{method} to OAuth, which wants a token', async () => {
    const answer = await call(`${emulator.url}/rest/`, 'crm.deal.list');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
  });

  it('sends the headers the REST module always sends', async () => {
    const answer = await call(emulator.webhookUrl, 'profile');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-headers')).toBe('origin, content-type, accept');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

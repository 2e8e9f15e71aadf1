import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor, type Json } from './rest-call.js';

/** Titles of deals added by each request style prove how the parameters were parsed. */
describe('emulator request parsing (bitrix24-api.md §1.3)', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await emulatorFor();
  });
  afterAll(() => emulator.close());

  const titleOf = async (id: unknown) =>
    ((await call(emulator.webhookUrl, 'crm.deal.get', { id })).body.result as Record<string, unknown>).TITLE;

  it('reads GET query strings with PHP bracket syntax and + as space', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.add', undefined, {
      httpMethod: 'GET',
      query: 'fields[TITLE]=Hello+World%2B1&fields[OPPORTUNITY]=5',
    });
    expect(answer.status).toBe(200);
    expect(await titleOf(answer.body.result)).toBe('Hello World+1');
  });

  it('reads form-urlencoded bodies with nested brackets', async () => {
    const answer = await call(
      emulator.webhookUrl,
      'crm.deal.add',
      'fields[TITLE]=Form+deal&fields[CONTACT_IDS][]=7',
      {
        encoding: 'form',
      },
    );
    expect(await titleOf(answer.body.result)).toBe('Form deal');
  });

  it('reads multipart/form-data text fields', async () => {
    const form = new FormData();
    form.append('fields[TITLE]', 'Multipart deal');
    const response = await fetch(`${emulator.webhookUrl}crm.deal.add`, { method: 'POST', body: form });
    const body = (await response.json()) as Json;
    expect(await titleOf(body.result)).toBe('Multipart deal');
  });

  it('decodes JSON only when Content-Type is exactly application/json (parameters after ; ignored)', async () => {
    const answer = await call(
      emulator.webhookUrl,
      'crm.deal.add',
      { fields: { TITLE: 'Json deal' } },
      { contentType: 'application/json; charset=utf-8' },
    );
    expect(await titleOf(answer.body.result)).toBe('Json deal');
  });

  it('treats a JSON body under another content type as a query string (so its fields are lost)', async () => {
    const answer = await call(
      emulator.webhookUrl,
      'crm.deal.add',
      JSON.stringify({ fields: { TITLE: 'Lost' } }),
      {
        encoding: 'raw',
        contentType: 'text/plain',
      },
    );
    expect(answer.status).toBe(200);
    expect(await titleOf(answer.body.result)).toBe(`Deal #${String(answer.body.result)}`);
  });

  it('treats invalid JSON as an empty parameter set', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.update', '{"id": 1, "fields": ', {
      encoding: 'raw',
      contentType: 'application/json',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: '', error_description: 'ID is not defined or invalid.' });
  });

  it('merges query and body with the body winning on the same top-level key', async () => {
    const answer = await call(
      emulator.webhookUrl,
      'crm.deal.add',
      { fields: { TITLE: 'From body' } },
      { query: 'fields[TITLE]=From+query&fields[COMMENTS]=dropped+with+the+query+fields' },
    );
    const deal = (await call(emulator.webhookUrl, 'crm.deal.get', { id: answer.body.result })).body
      .result as Json;
    expect(deal.TITLE).toBe('From body');
    expect(deal.COMMENTS).toBeNull();
  });

  it('keeps query parameters the body does not repeat', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.get', {}, { query: 'id=1' });
    expect(answer.status).toBe(200);
  });

  it('ignores extra parameters such as bx24_request_id, bx24_sdk_ver and state', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.add', {
      fields: { TITLE: 'With extras' },
      bx24_request_id: 'abc',
      bx24_sdk_ver: '2.2.0',
      bx24_sdk_type: 'b24-js-sdk',
      state: 'xyz',
    });
    expect(answer.status).toBe(200);
    expect(await titleOf(answer.body.result)).toBe('With extras');
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { addDeal, call, emulatorFor, type Json } from './rest-call.js';

describe('emulator crm.deal.add/update/get/delete/fields (bitrix24-api.md §5, §6)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor({
      userFields: ['UF_CRM_ERP_NUMBER', 'UF_CRM_SHIP_TO'],
      categories: [{ id: 3, name: 'Export' }],
      currencies: ['RUB', 'USD'],
    });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const get = async (id: unknown) =>
    (await call(emulator.webhookUrl, 'crm.deal.get', { id })).body.result as Json;
  const today = () => new Date(emulator.now() + 3 * 3600_000).toISOString().slice(0, 10);

  it('returns the new id as an integer and fills the documented defaults', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.add', { fields: {} });
    expect(answer.body.result).toBe(1);
    const deal = await get(1);
    const plusSeven = new Date(Date.parse(`${today()}T00:00:00Z`) + 7 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(deal).toMatchObject({
      ID: '1',
      TITLE: 'Deal #1',
      TYPE_ID: 'SALE',
      CATEGORY_ID: '0',
      STAGE_ID: 'NEW',
      STAGE_SEMANTIC_ID: 'P',
      CURRENCY_ID: 'RUB',
      OPPORTUNITY: '0.00',
      IS_MANUAL_OPPORTUNITY: 'N',
      OPENED: 'Y',
      CLOSED: 'N',
      ASSIGNED_BY_ID: '1',
      BEGINDATE: `${today()}T03:00:00+03:00`,
      CLOSEDATE: `${plusSeven}T03:00:00+03:00`,
      ORIGIN_ID: null,
      UF_CRM_ERP_NUMBER: null,
    });
    expect(deal.DATE_CREATE).toBe(deal.DATE_MODIFY);
  });

  it('returns strings for every scalar, 2-decimal money, null for empty and UF values', async () => {
    const id = await addDeal(emulator, {
      TITLE: 'Order 42',
      OPPORTUNITY: 1234.5,
      PROBABILITY: 30,
      COMPANY_ID: 9,
      UF_CRM_ERP_NUMBER: 'SO042',
    });
    const deal = await get(id);
    expect(deal).toMatchObject({
      OPPORTUNITY: '1234.50',
      PROBABILITY: '30',
      COMPANY_ID: '9',
      UF_CRM_ERP_NUMBER: 'SO042',
    });
    expect(deal.COMMENTS).toBeNull();
    for (const value of Object.values(deal)) {
      expect(value === null || typeof value === 'string').toBe(true);
    }
  });

  it('drops unknown, wrong-case, read-only and unparsable-date fields without an error', async () => {
    const id = await addDeal(emulator, {
      TITLE: 'kept',
      title: 'wrong case',
      NOT_A_FIELD: 1,
      DATE_CREATE: '2001-01-01T00:00:00+03:00',
      CREATED_BY_ID: 99,
      STAGE_SEMANTIC_ID: 'S',
      BEGINDATE: 'not a date',
    });
    const deal = await get(id);
    expect(deal.TITLE).toBe('kept');
    expect(deal.CREATED_BY_ID).toBe('1');
    expect(deal.STAGE_SEMANTIC_ID).toBe('P');
    expect(deal.DATE_CREATE).not.toMatch(/^2001/);
    expect(deal.BEGINDATE).toBe(`${today()}T03:00:00+03:00`);
    expect(deal).not.toHaveProperty('NOT_A_FIELD');
  });

  it('accepts lenient top-level names: FIELDS, arFields, ID', async () => {
    const first = await call(emulator.webhookUrl, 'crm.deal.add', { FIELDS: { TITLE: 'upper' } });
    const second = await call(emulator.webhookUrl, 'crm.deal.add', { arFields: { TITLE: 'hungarian' } });
    expect((await get(first.body.result)).TITLE).toBe('upper');
    const byUpperId = await call(emulator.webhookUrl, 'crm.deal.get', { ID: second.body.result });
    expect((byUpperId.body.result as Json).TITLE).toBe('hungarian');
  });

  it.each<[string, string, Record<string, unknown>, string]>([
    ['get without id', 'crm.deal.get', {}, 'ID is not defined or invalid.'],
    ['get with a non-numeric id', 'crm.deal.get', { id: 'abc' }, 'ID is not defined or invalid.'],
    ['get of a missing deal', 'crm.deal.get', { id: 999 }, 'Not found'],
    ['update of a missing deal', 'crm.deal.update', { id: 999, fields: { TITLE: 'x' } }, 'Not found'],
    ['delete of a missing deal', 'crm.deal.delete', { id: 999 }, 'Not found'],
    ['add with scalar fields', 'crm.deal.add', { fields: 'TITLE' }, "Parameter 'fields' must be array."],
    [
      'update with scalar fields',
      'crm.deal.update',
      { id: 1, fields: 5 },
      "Parameter 'fields' must be array.",
    ],
    [
      'add with scalar params',
      'crm.deal.add',
      { fields: {}, params: 'x' },
      "Parameter 'params' must be array.",
    ],
    [
      'an invalid currency',
      'crm.deal.add',
      { fields: { CURRENCY_ID: 'XYZ' } },
      'Invalid value for the Currency field',
    ],
  ])('rejects %s with 400 and code ""', async (_name, method, params, description) => {
    const answer = await call(emulator.webhookUrl, method, params);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: '', error_description: description });
  });

  it('checks stage/funnel consistency with a business error', async () => {
    const wrongFunnel = await call(emulator.webhookUrl, 'crm.deal.add', {
      fields: { CATEGORY_ID: 3, STAGE_ID: 'WON' },
    });
    expect(wrongFunnel.status).toBe(400);
    expect(wrongFunnel.body.error).toBe('');
    const unknownFunnel = await call(emulator.webhookUrl, 'crm.deal.add', { fields: { CATEGORY_ID: 8 } });
    expect(unknownFunnel.status).toBe(400);
    const id = await addDeal(emulator, { CATEGORY_ID: 3 });
    expect(await get(id)).toMatchObject({ CATEGORY_ID: '3', STAGE_ID: 'C3:NEW' });
    const byStage = await addDeal(emulator, { STAGE_ID: 'C3:WON' });
    expect(await get(byStage)).toMatchObject({ CATEGORY_ID: '3', STAGE_SEMANTIC_ID: 'S', CLOSED: 'Y' });
    expect(
      (await call(emulator.webhookUrl, 'crm.deal.update', { id, fields: { STAGE_ID: 'LOSE' } })).status,
    ).toBe(400);
  });

  it('keeps CATEGORY_ID immutable on update (silently)', async () => {
    const id = await addDeal(emulator, {});
    const answer = await call(emulator.webhookUrl, 'crm.deal.update', {
      id,
      fields: { CATEGORY_ID: 3, TITLE: 'renamed' },
    });
    expect(answer.body.result).toBe(true);
    expect(await get(id)).toMatchObject({ CATEGORY_ID: '0', TITLE: 'renamed' });
  });

  it('maintains DATE_MODIFY and MODIFY_BY_ID on update; DATE_CREATE stays', async () => {
    const id = await addDeal(emulator, { TITLE: 'a' });
    const before = await get(id);
    emulator.advanceClock(120);
    await call(emulator.webhookUrl, 'crm.deal.update', { id, fields: { TITLE: 'b' } });
    const after = await get(id);
    expect(after.DATE_CREATE).toBe(before.DATE_CREATE);
    expect(
      Date.parse(after.DATE_MODIFY as string) - Date.parse(before.DATE_MODIFY as string),
    ).toBeGreaterThanOrEqual(120_000);
    expect(after.MODIFY_BY_ID).toBe('1');
  });

  it('stores only an exact Y as yes in Y/N fields', async () => {
    const id = await addDeal(emulator, { OPENED: true, IS_MANUAL_OPPORTUNITY: 'Y' });
    expect(await get(id)).toMatchObject({ OPENED: 'N', IS_MANUAL_OPPORTUNITY: 'Y' });
  });

  it('prints date-only fields as UTC midnight in the portal offset and accepts ISO datetimes', async () => {
    const id = await addDeal(emulator, { BEGINDATE: '2024-08-30', CLOSEDATE: '2024-09-09T02:00:00+02:00' });
    expect(await get(id)).toMatchObject({
      BEGINDATE: '2024-08-30T03:00:00+03:00',
      CLOSEDATE: '2024-09-09T03:00:00+03:00',
    });
  });

  it('stores ORIGINATOR_ID/ORIGIN_ID as free strings without uniqueness, and a retried add duplicates', async () => {
    const fields = { ORIGINATOR_ID: 'erp', ORIGIN_ID: '42' };
    const first = await addDeal(emulator, fields);
    const second = await addDeal(emulator, fields);
    expect(second).toBe(first + 1);
    const list = await call(emulator.webhookUrl, 'crm.deal.list', { filter: fields, select: ['ID'] });
    expect(list.body.result).toEqual([{ ID: String(first) }, { ID: String(second) }]);
  });

  it('deletes a deal and answers true', async () => {
    const id = await addDeal(emulator, {});
    expect((await call(emulator.webhookUrl, 'crm.deal.delete', { id })).body.result).toBe(true);
    expect((await call(emulator.webhookUrl, 'crm.deal.get', { id })).body.error_description).toBe(
      'Not found',
    );
  });

  it('accepts CONTACT_IDS on write but prints only the deprecated CONTACT_ID', async () => {
    const id = await addDeal(emulator, { CONTACT_IDS: [5, 6] });
    const deal = await get(id);
    expect(deal.CONTACT_ID).toBe('5');
    expect(deal).not.toHaveProperty('CONTACT_IDS');
  });

  it('makes DATE_CREATE writable on add with params[IMPORT]', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.add', {
      fields: { DATE_CREATE: '2020-01-02T10:00:00+03:00' },
      params: { IMPORT: 'Y' },
    });
    expect((await get(answer.body.result)).DATE_CREATE).toBe('2020-01-02T10:00:00+03:00');
  });

  it('describes fields with crm.deal.fields, including UF fields and attributes', async () => {
    const fields = (await call(emulator.webhookUrl, 'crm.deal.fields')).body.result as Record<string, Json>;
    expect(fields.ID).toMatchObject({ type: 'integer', isReadOnly: true });
    expect(fields.CATEGORY_ID).toMatchObject({ type: 'crm_category', isImmutable: true });
    expect(fields.STAGE_ID).toMatchObject({ type: 'crm_status', statusType: 'DEAL_STAGE' });
    expect(fields.CONTACT_IDS).toMatchObject({ isMultiple: true });
    expect(fields.UF_CRM_SHIP_TO).toMatchObject({
      type: 'string',
      isDynamic: true,
      listLabel: 'UF_CRM_SHIP_TO',
    });
    expect(fields).not.toHaveProperty('EXCH_RATE');
  });

  it('finds a deal by its current ORIGIN_ID only: after an update, a hand edit and a delete', async () => {
    const byOrigin = async (filter: Record<string, unknown>) =>
      (
        (await call(emulator.webhookUrl, 'crm.deal.list', { filter, select: ['ID'] })).body.result as Json[]
      ).map((row) => Number(row.ID));
    const id = await addDeal(emulator, { ORIGIN_ID: 'x1' });
    const other = await addDeal(emulator, {});
    await call(emulator.webhookUrl, 'crm.deal.update', { id, fields: { ORIGIN_ID: 'x2' } });
    expect(await byOrigin({ ORIGIN_ID: 'x1' })).toEqual([]);
    expect(await byOrigin({ '@ORIGIN_ID': ['X2', 'nope'] })).toEqual([id]);
    expect(await byOrigin({ ORIGIN_ID: '' })).toEqual([other]);
    emulator.editDeal(id, { ORIGIN_ID: 'x3' });
    expect(await byOrigin({ ORIGIN_ID: 'x2' })).toEqual([]);
    await call(emulator.webhookUrl, 'crm.deal.delete', { id });
    expect(await byOrigin({ ORIGIN_ID: 'x3' })).toEqual([]);
  });
});

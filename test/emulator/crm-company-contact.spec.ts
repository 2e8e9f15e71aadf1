import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { addDeal, call, emulatorFor, type Json } from './rest-call.js';

describe('emulator crm.company.* and crm.contact.* (bitrix24-api.md §5b)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const rest = async (method: string, params: Record<string, unknown>) => {
    const answer = await call(emulator.webhookUrl, method, params);
    return { status: answer.status, body: answer.body, result: answer.body.result };
  };
  const add = async (entity: string, fields: Record<string, unknown>) =>
    (await rest(`crm.${entity}.add`, { fields })).result as number;
  const get = async (entity: string, id: number) => (await rest(`crm.${entity}.get`, { id })).result as Json;

  it.each(['company', 'contact'])(
    '%s: add answers an integer id; get prints strings, audit fields and ORIGIN_*',
    async (entity) => {
      const id = await add(entity, { ORIGINATOR_ID: 'erp', ORIGIN_ID: '42', COMMENTS: 'c', NOT_A_FIELD: 1 });
      expect(id).toBe(1);
      const record = await get(entity, id);
      expect(record).toMatchObject({
        ID: '1',
        ORIGINATOR_ID: 'erp',
        ORIGIN_ID: '42',
        COMMENTS: 'c',
        OPENED: 'Y',
        ASSIGNED_BY_ID: '1',
        CREATED_BY_ID: '1',
        HAS_EMAIL: 'N',
        HAS_PHONE: 'N',
      });
      expect(record).not.toHaveProperty('NOT_A_FIELD');
      expect(record).not.toHaveProperty('EMAIL');
      expect(record.DATE_CREATE).toMatch(/\+03:00$/);
    },
  );

  it('names a company "Company #N" without TITLE and keeps contact names as given', async () => {
    expect((await get('company', await add('company', {}))).TITLE).toBe('Company #1');
    const contact = await get(
      'contact',
      await add('contact', { NAME: 'Ann', LAST_NAME: 'Lee', BIRTHDATE: '1990-05-01' }),
    );
    expect(contact).toMatchObject({ NAME: 'Ann', LAST_NAME: 'Lee', BIRTHDATE: '1990-05-01T03:00:00+03:00' });
  });

  it('stores multi-fields as objects with ID, VALUE_TYPE, VALUE, TYPE_ID', async () => {
    const id = await add('company', {
      TITLE: 'Acme',
      EMAIL: [{ VALUE: 'sales@acme.test', VALUE_TYPE: 'WORK' }],
      PHONE: [{ VALUE: '+1 555 0100', VALUE_TYPE: 'MOBILE' }, { VALUE: '+1 555 0101' }],
      WEB: [{ VALUE: 'acme.test' }],
      IM: [{ VALUE: 'acme', VALUE_TYPE: 'TELEGRAM' }],
    });
    const company = await get('company', id);
    expect(company.EMAIL).toEqual([
      { ID: '1', VALUE_TYPE: 'WORK', VALUE: 'sales@acme.test', TYPE_ID: 'EMAIL' },
    ]);
    expect(company.PHONE).toEqual([
      { ID: '2', VALUE_TYPE: 'MOBILE', VALUE: '+1 555 0100', TYPE_ID: 'PHONE' },
      { ID: '3', VALUE_TYPE: 'WORK', VALUE: '+1 555 0101', TYPE_ID: 'PHONE' },
    ]);
    expect(company).toMatchObject({
      WEB: [expect.objectContaining({ VALUE: 'acme.test', TYPE_ID: 'WEB' })],
      IM: [expect.objectContaining({ VALUE_TYPE: 'TELEGRAM', TYPE_ID: 'IM' })],
      HAS_EMAIL: 'Y',
      HAS_PHONE: 'Y',
    });
  });

  it('updates a multi-field value by ID, removes with DELETE: Y, and adds (duplicates) without ID', async () => {
    const id = await add('contact', { EMAIL: [{ VALUE: 'a@x.test' }, { VALUE: 'b@x.test' }] });
    const before = (await get('contact', id)).EMAIL as Json[];
    await rest('crm.contact.update', {
      id,
      fields: {
        EMAIL: [
          { ID: before[0]?.ID, VALUE: 'a2@x.test', VALUE_TYPE: 'HOME' },
          { ID: before[1]?.ID, DELETE: 'Y' },
        ],
      },
    });
    expect((await get('contact', id)).EMAIL).toEqual([
      { ID: before[0]?.ID, VALUE_TYPE: 'HOME', VALUE: 'a2@x.test', TYPE_ID: 'EMAIL' },
    ]);
    await rest('crm.contact.update', { id, fields: { EMAIL: [{ VALUE: 'a2@x.test', VALUE_TYPE: 'HOME' }] } });
    expect(((await get('contact', id)).EMAIL as Json[]).map((item) => item.VALUE)).toEqual([
      'a2@x.test',
      'a2@x.test',
    ]);
  });

  it('refuses the whole record for an invalid e-mail (ERROR_CORE, 400) and writes nothing', async () => {
    const answer = await rest('crm.company.add', { fields: { TITLE: 'Bad', EMAIL: [{ VALUE: 'nope' }] } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'ERROR_CORE',
      error_description: 'The field "Work e-mail" contains an invalid address',
    });
    expect(emulator.companies()).toEqual([]);
  });

  it('lists with ORIGINATOR_ID/ORIGIN_ID filters, multi-fields only when selected, and EMAIL filters', async () => {
    await add('company', {
      TITLE: 'A',
      ORIGINATOR_ID: 'erp',
      ORIGIN_ID: '1',
      EMAIL: [{ VALUE: 'a@a.test' }],
    });
    await add('company', { TITLE: 'B', ORIGINATOR_ID: 'erp', ORIGIN_ID: '2' });
    await add('company', { TITLE: 'C', ORIGINATOR_ID: 'other', ORIGIN_ID: '1' });
    const byOrigin = await rest('crm.company.list', {
      filter: { ORIGINATOR_ID: 'erp', '@ORIGIN_ID': ['1', '2'] },
      select: ['ID', 'TITLE'],
    });
    expect(byOrigin.result).toEqual([
      { ID: '1', TITLE: 'A' },
      { ID: '2', TITLE: 'B' },
    ]);
    expect(byOrigin.body.total).toBe(2);
    const withEmail = await rest('crm.company.list', { filter: { ORIGIN_ID: '1' }, select: ['ID', 'EMAIL'] });
    expect(withEmail.result).toEqual([
      { ID: '1', EMAIL: [expect.objectContaining({ VALUE: 'a@a.test' })] },
      { ID: '3' },
    ]);
    const defaultSelect = (await rest('crm.company.list', {})).result as Json[];
    expect(defaultSelect[0]).not.toHaveProperty('EMAIL');
    expect(
      (await rest('crm.company.list', { filter: { EMAIL: 'A@A.TEST' }, select: ['ID'] })).result,
    ).toEqual([{ ID: '1' }]);
  });

  it('links a contact to companies (COMPANY_IDS is write-only, COMPANY_ID its first entry)', async () => {
    const first = await add('company', { TITLE: 'One' });
    const second = await add('company', { TITLE: 'Two' });
    const contact = await add('contact', { NAME: 'Kim', COMPANY_IDS: [second, first] });
    const printed = await get('contact', contact);
    expect(printed.COMPANY_ID).toBe(String(second));
    expect(printed).not.toHaveProperty('COMPANY_IDS');
    expect(
      (await rest('crm.contact.list', { filter: { COMPANY_ID: second }, select: ['ID'] })).result,
    ).toEqual([{ ID: String(contact) }]);
  });

  it('links deals to a company and contacts; deleting them clears the links', async () => {
    const company = await add('company', { TITLE: 'Acme' });
    const [c1, c2] = [await add('contact', { NAME: 'A' }), await add('contact', { NAME: 'B' })];
    const deal = await addDeal(emulator, { TITLE: 'Order', COMPANY_ID: company, CONTACT_IDS: [c1, c2] });
    const item = async () =>
      ((await rest('crm.item.get', { entityTypeId: 2, id: deal })).result as { item: Json }).item;
    expect(await item()).toMatchObject({ companyId: company, contactId: c1, contactIds: [c1, c2] });
    const printed = (await rest('crm.deal.get', { id: deal })).result as Json;
    expect(printed).toMatchObject({ COMPANY_ID: String(company), CONTACT_ID: String(c1) });
    expect(printed).not.toHaveProperty('CONTACT_IDS');
    expect((await rest('crm.company.delete', { id: company })).result).toBe(true);
    await rest('crm.contact.delete', { id: c1 });
    expect(await item()).toMatchObject({ companyId: null, contactId: c2, contactIds: [c2] });
  });

  it('moves the primary contact when a deal update sends CONTACT_ID alone', async () => {
    const deal = await addDeal(emulator, { CONTACT_IDS: [3, 4] });
    await rest('crm.deal.update', { id: deal, fields: { CONTACT_ID: 9 } });
    const { item } = (await rest('crm.item.get', { entityTypeId: 2, id: deal })).result as { item: Json };
    expect(item).toMatchObject({ contactId: 9, contactIds: [9, 4] });
  });

  it.each(['company', 'contact'])(
    '%s: fields lists ORIGIN_* and the multi-fields; errors are CRM-shaped',
    async (entity) => {
      const fields = (await rest(`crm.${entity}.fields`, {})).result as Record<string, Json>;
      expect(fields.ORIGINATOR_ID).toMatchObject({ type: 'string', isReadOnly: false });
      expect(fields.EMAIL).toMatchObject({ type: 'crm_multifield', isMultiple: true });
      expect(fields.DATE_MODIFY).toMatchObject({ isReadOnly: true });
      expect((await rest(`crm.${entity}.get`, { id: 99 })).body).toEqual({
        error: '',
        error_description: 'Not found',
      });
      expect((await rest(`crm.${entity}.update`, { id: 0, fields: {} })).body).toEqual({
        error: '',
        error_description: 'ID is not defined or invalid.',
      });
    },
  );

  it('moves DATE_MODIFY and MODIFY_BY_ID on update and deletes with result true', async () => {
    const id = await add('company', { TITLE: 'v1' });
    emulator.advanceClock(60);
    await rest('crm.company.update', { id, fields: { TITLE: 'v2' } });
    const company = await get('company', id);
    expect(company.TITLE).toBe('v2');
    expect(company.DATE_MODIFY).not.toBe(company.DATE_CREATE);
    expect((await rest('crm.company.delete', { id })).result).toBe(true);
    expect(emulator.companies()).toEqual([]);
  });
});

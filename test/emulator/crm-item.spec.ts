import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { addDeal, call, emulatorFor, type Json } from './rest-call.js';

describe('emulator crm.item.* for deals (entityTypeId 2, bitrix24-api.md §5.10)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor({ userFields: ['UF_CRM_ERP_NUMBER', 'UF_CRM_1721244482250'] });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const item = async (method: string, params: Record<string, unknown>) => {
    const answer = await call(emulator.webhookUrl, method, { entityTypeId: 2, ...params });
    return { status: answer.status, body: answer.body, result: answer.body.result as Json };
  };

  it('adds with camelCase fields and answers a typed item', async () => {
    const { result } = await item('crm.item.add', {
      fields: {
        title: 'Item deal',
        opportunity: 999.99,
        originId: 'x1',
        ufCrmErpNumber: 'SO1',
        TITLE: 'ignored',
      },
    });
    expect(result.item).toMatchObject({
      id: 1,
      title: 'Item deal',
      opportunity: 999.99,
      originId: 'x1',
      categoryId: 0,
      stageId: 'NEW',
      ufCrmErpNumber: 'SO1',
      ufCrm_1721244482250: null,
      contactIds: [],
    });
    expect((result.item as Json).updatedTime).toMatch(/\+03:00$/);
  });

  it('shares the store with crm.deal.* and keeps original UF names on request', async () => {
    const id = await addDeal(emulator, { TITLE: 'classic', UF_CRM_ERP_NUMBER: 'SO2' });
    const { result } = await item('crm.item.get', { id, useOriginalUfNames: 'Y' });
    expect(result.item).toMatchObject({ id, title: 'classic', UF_CRM_ERP_NUMBER: 'SO2' });
  });

  it('moves a deal to another funnel with crm.item.update (crm.deal.update cannot)', async () => {
    const id = await addDeal(emulator, {});
    const { result } = await item('crm.item.update', { id, fields: { categoryId: 1 } });
    expect(result.item).toMatchObject({ categoryId: 1, stageId: 'C1:NEW' });
  });

  it('lists items with total/next at the top level and rejects unknown filter or order fields', async () => {
    for (let i = 0; i < 3; i++) {
      await addDeal(emulator, { ORIGIN_ID: `o${i}` });
    }
    const list = await item('crm.item.list', {
      filter: { '>id': 1 },
      order: { id: 'DESC' },
      select: ['id', 'originId'],
    });
    expect(list.result.items).toEqual([
      { id: 3, originId: 'o2' },
      { id: 2, originId: 'o1' },
    ]);
    expect(list.body.total).toBe(2);
    const badFilter = await item('crm.item.list', { filter: { ORIGIN_ID: 'o1' } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toEqual({
      error: 'INVALID_ARG_VALUE',
      error_description: "Invalid filter: field 'ORIGIN_ID' is not allowed in filter",
    });
    expect((await item('crm.item.list', { order: { nope: 'ASC' } })).body.error).toBe('INVALID_ARG_VALUE');
  });

  it.each<[string, string, Record<string, unknown>, string, string]>([
    [
      'a bad entityTypeId',
      'crm.item.get',
      { entityTypeId: 1234, id: 1 },
      'NOT_FOUND',
      'Smart process not found',
    ],
    ['a missing item', 'crm.item.get', { id: 99 }, 'NOT_FOUND', 'Item not found'],
    ['a missing id', 'crm.item.delete', {}, '100', 'Could not find value for parameter {id}'],
  ])('answers %s with %s', async (_name, method, params, code, description) => {
    const answer = await item(method, params);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: code, error_description: description });
  });

  it('deletes with result [] and describes camelCase fields', async () => {
    const id = await addDeal(emulator, {});
    expect((await item('crm.item.delete', { id })).result).toEqual([]);
    const fields = (await item('crm.item.fields', {})).result.fields as Record<string, Json>;
    expect(fields.originatorId).toMatchObject({ type: 'string', upperName: 'ORIGINATOR_ID' });
    expect(fields.updatedTime).toMatchObject({ isReadOnly: true });
  });
});

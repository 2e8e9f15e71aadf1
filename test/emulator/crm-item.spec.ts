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

  it('imports up to 20 deals per batchImport, each succeeding or failing on its own, robots not started', async () => {
    const data = [
      { title: 'Imported 1', originatorId: 'erp', originId: 'SO-1', opportunity: 10 },
      { title: 'Bad stage', stageId: 'NOPE' },
      { title: 'Imported 2', originatorId: 'erp', originId: 'SO-2' },
    ];
    const { status, result } = await item('crm.item.batchImport', { data });
    expect(status).toBe(200);
    expect(result.items).toEqual([
      { item: { id: 1 } },
      {
        error: 'CRM_FIELD_ERROR_VALUE_NOT_VALID',
        error_description: "Stage 'NOPE' does not belong to pipeline 0.",
      },
      { item: { id: 2 } },
    ]);
    expect(emulator.stats()).toMatchObject({
      automationRuns: 0,
      writesByMethod: { 'crm.item.batchimport': 2 },
    });
    await item('crm.item.add', { fields: { title: 'added' } });
    await addDeal(emulator, { TITLE: 'classic' });
    expect(emulator.stats().automationRuns).toBe(2);
  });

  it('refuses more than 20 items with MAX_IMPORT_BATCH_SIZE_EXCEEDED and imports none', async () => {
    const data = Array.from({ length: 21 }, (_, i) => ({ title: `d${i}` }));
    const answer = await item('crm.item.batchImport', { data });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'MAX_IMPORT_BATCH_SIZE_EXCEEDED',
      error_description: 'You cannot import more than 20 items',
    });
    expect(emulator.deals()).toEqual([]);
  });

  it('stores and filters ORIGINATOR_ID/ORIGIN_ID on every create path', async () => {
    await addDeal(emulator, { ORIGINATOR_ID: 'erp', ORIGIN_ID: 'A' });
    await item('crm.item.add', { fields: { originatorId: 'erp', originId: 'B' } });
    await item('crm.item.batchImport', { data: [{ originatorId: 'erp', originId: 'C' }] });
    const viaItem = await item('crm.item.list', {
      filter: { originatorId: 'erp', '@originId': ['A', 'B', 'C'] },
      select: ['id', 'originId'],
    });
    expect(viaItem.result.items).toEqual([
      { id: 1, originId: 'A' },
      { id: 2, originId: 'B' },
      { id: 3, originId: 'C' },
    ]);
    const viaDeal = await call(emulator.webhookUrl, 'crm.deal.list', {
      filter: { ORIGINATOR_ID: 'erp', ORIGIN_ID: 'C' },
      select: ['ID'],
    });
    expect(viaDeal.body.result).toEqual([{ ID: '3' }]);
  });
});

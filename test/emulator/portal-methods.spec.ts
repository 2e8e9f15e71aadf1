import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor, type Json } from './rest-call.js';

describe('emulator reference and identity methods', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor({ categories: [{ id: 2, name: 'Projects' }], currencies: ['EUR', 'USD'] });
  });
  afterAll(() => emulator.close());

  const result = async (method: string, params: unknown = {}) =>
    (await call(emulator.webhookUrl, method, params)).body.result as Json[];

  it('lists the general funnel stages under ENTITY_ID=DEAL_STAGE in sort order', async () => {
    const stages = await result('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE' } });
    expect(stages.map((stage) => stage.STATUS_ID)).toEqual([
      'NEW',
      'PREPARATION',
      'PREPAYMENT_INVOICE',
      'EXECUTING',
      'FINAL_INVOICE',
      'WON',
      'LOSE',
      'APOLOGY',
    ]);
    expect(stages.find((stage) => stage.STATUS_ID === 'WON')).toMatchObject({
      SEMANTICS: 'S',
      CATEGORY_ID: '0',
    });
  });

  it('lists another funnel under DEAL_STAGE_{id} with C{id}: prefixes', async () => {
    const stages = await result('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE_2' } });
    expect(stages[0]).toMatchObject({ STATUS_ID: 'C2:NEW', CATEGORY_ID: '2' });
    expect(stages).toHaveLength(8);
  });

  it('lists funnel stages with crm.dealcategory.stage.list and funnels with crm.dealcategory.list', async () => {
    expect((await result('crm.dealcategory.stage.list', { id: 2 }))[0]).toEqual({
      NAME: 'New',
      SORT: '10',
      STATUS_ID: 'C2:NEW',
    });
    expect((await result('crm.dealcategory.stage.list', { id: 0 }))[0]?.STATUS_ID).toBe('NEW');
    expect((await result('crm.dealcategory.list')).map((category) => category.ID)).toEqual(['2']);
  });

  it('lists currencies with the first one as base', async () => {
    const currencies = await result('crm.currency.list');
    expect(currencies.map((currency) => [currency.CURRENCY, currency.BASE])).toEqual([
      ['EUR', 'Y'],
      ['USD', 'N'],
    ]);
  });

  it('answers profile for the webhook owner and scope with the granted scopes', async () => {
    const profile = (await call(emulator.webhookUrl, 'profile')).body.result as Json;
    expect(profile).toMatchObject({ ID: '1', ADMIN: true });
    expect((await call(emulator.webhookUrl, 'scope')).body.result).toEqual(['crm', 'user']);
    expect((await call(emulator.webhookUrl, 'scope', { full: true })).body.result).toEqual(
      expect.arrayContaining(['crm', 'user', 'task']),
    );
  });

  it('lists funnels through crm.category.list for entityTypeId 2 only', async () => {
    const answer = await call(emulator.webhookUrl, 'crm.category.list', { entityTypeId: 2 });
    expect(((answer.body.result as Json).categories as Json[]).map((category) => category.id)).toEqual([
      0, 2,
    ]);
    const other = await call(emulator.webhookUrl, 'crm.category.list', { entityTypeId: 31 });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('NOT_FOUND');
  });
});

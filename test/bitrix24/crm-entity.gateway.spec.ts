import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { Bitrix24ErrorClass } from '../../src/bitrix24/bitrix24.error.js';
import { CrmEntityGateway } from '../../src/bitrix24/crm-entity.gateway.js';
import type { CrmRecord } from '../../src/bitrix24/crm-entity.types.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { webhookClient } from './support/emulator-client.js';
import { setOnlyFaults } from './support/faults.js';

const draft = (originId: string, extra: Record<string, string> = {}) => ({
  TITLE: `Order ${originId}`,
  ORIGINATOR_ID: 'erp',
  ORIGIN_ID: originId,
  ...extra,
});

describe(CrmEntityGateway.name, () => {
  let emulator: RunningEmulator;
  let client: Bitrix24Client;
  let gateway: CrmEntityGateway;

  beforeAll(async () => {
    emulator = await startEmulator({ categories: [{ id: 1, name: 'Wholesale' }] });
    client = webhookClient(emulator);
    gateway = new CrmEntityGateway(client);
  });
  afterEach(() => {
    setOnlyFaults(emulator);
    emulator.reset();
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it('creates deals and answers each with its new id, or the reason it failed', async () => {
    const outcomes = await gateway.createMany([draft('1'), draft('2', { CURRENCY_ID: 'NOPE' }), draft('3')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ok', 'failed', 'ok']);
    const ids = outcomes.flatMap((outcome) => (outcome.status === 'ok' ? [outcome.dealId] : []));
    expect(
      emulator
        .deals()
        .map((deal) => Number(deal.ID))
        .sort(),
    ).toEqual(ids.sort());
    expect(outcomes[1].status === 'failed' && outcomes[1].error.classification).toBe(
      Bitrix24ErrorClass.Record,
    );
  });

  it('reports creates whose answer was lost as unknown, resolvable by origin', async () => {
    setOnlyFaults(emulator, { commitThenDropRate: 1 });
    const outcomes = await gateway.createMany([draft('10'), draft('11')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['unknown', 'unknown']);
    setOnlyFaults(emulator);
    const found = await gateway.findByOrigin('erp', ['10', '11', '12']);
    expect(found.get('10')).toHaveLength(1);
    expect(found.get('11')).toHaveLength(1);
    expect(found.get('12')).toEqual([]);
  });

  // The first deal has no rows: the 25th add is command 49 of 59, so plain chunks of 50 would split it from its rows.
  it('sends the product rows of each deal in the same batch request as its add, never split across batches', async () => {
    const drafts = Array.from({ length: 30 }, (_, index) => draft(`r${index}`));
    const rows = drafts.map((_, index) =>
      index === 0 ? undefined : [{ PRODUCT_NAME: `Line ${index}`, PRICE: '10.50', QUANTITY: '2' }],
    );

    const outcomes = await gateway.createMany(drafts, { productRows: rows });

    expect(outcomes.every((outcome) => outcome.status === 'ok' && outcome.rowsRefused === undefined)).toBe(
      true,
    );
    const batches = emulator.requestLog().filter((entry) => entry.method === 'batch');
    expect(batches).toHaveLength(2);
    for (const [index, outcome] of outcomes.entries()) {
      const id = outcome.status === 'ok' ? outcome.dealId : 0;
      expect(emulator.productRows(id).map((row) => row.PRODUCT_NAME)).toEqual(
        index === 0 ? [] : [`Line ${index}`],
      );
    }
  });

  it('reports rows the portal refused after it created the deal', async () => {
    const [outcome] = await gateway.createMany([draft('bad-rows')], {
      productRows: [[{ PRODUCT_NAME: 'x', PRICE: '1', DISCOUNT_TYPE_ID: 1 }]],
    });

    expect(outcome.status).toBe('ok');
    expect(outcome.status === 'ok' && outcome.rowsRefused?.description).toContain('DISCOUNT_SUM');
  });

  it('updates and deletes by id, with not-found ids failing on their own', async () => {
    const [created] = await gateway.createMany([draft('20')]);
    const id = created.status === 'ok' ? created.dealId : 0;
    const updated = await gateway.updateMany([
      { dealId: id, fields: { TITLE: 'renamed', OPPORTUNITY: 12.5 } },
      { dealId: 987_654, fields: { TITLE: 'ghost' } },
    ]);
    expect(updated.map((outcome) => outcome.status)).toEqual(['ok', 'failed']);
    expect(updated[0]).toEqual({ status: 'ok', dealId: id });
    expect(emulator.deals()[0]).toMatchObject({ TITLE: 'renamed', OPPORTUNITY: '12.50' });
    const deleted = await gateway.deleteMany([id, 987_654]);
    expect(deleted.map((outcome) => outcome.status)).toEqual(['ok', 'failed']);
    expect(emulator.deals()).toEqual([]);
  });

  it('finds deals by origin across many ids, returning duplicates and only our originator', async () => {
    const ids = Array.from({ length: 120 }, (_, index) => String(index));
    await gateway.createMany([
      ...ids.map((id) => draft(id)),
      draft('5'),
      draft('5'),
      { ...draft('6'), ORIGINATOR_ID: 'other' },
    ]);
    const requestsBefore = emulator.stats().requests;
    const found = await gateway.findByOrigin('erp', [...ids, 'missing'], ['ID', 'TITLE']);
    expect(emulator.stats().requests - requestsBefore).toBe(1);
    expect(found.size).toBe(121);
    expect(found.get('5')).toHaveLength(3);
    expect(found.get('6')).toHaveLength(1);
    expect(found.get('missing')).toEqual([]);
    expect(found.get('42')?.[0]).toMatchObject({ TITLE: 'Order 42', ORIGIN_ID: '42' });
  });

  it('follows a lookup whose page is full of duplicates', async () => {
    await gateway.createMany(Array.from({ length: 60 }, () => draft('dup')));
    const found = await gateway.findByOrigin('erp', ['dup']);
    expect(found.get('dup')).toHaveLength(60);
  });

  it('never guesses "absent" when a lookup fails', async () => {
    setOnlyFaults(emulator, { serverErrorRate: 1 });
    await expect(gateway.findByOrigin('erp', ['1'])).rejects.toMatchObject({
      classification: Bitrix24ErrorClass.Server,
    });
  });

  it('iterates our deals past a page with fast paging (>ID, start=-1)', async () => {
    await gateway.createMany([
      ...Array.from({ length: 130 }, (_, index) => draft(String(index))),
      { ...draft('x'), ORIGINATOR_ID: 'other' },
    ]);
    const seen: CrmRecord[] = [];
    for await (const deal of gateway.iterateRecords('erp', ['ORIGIN_ID'])) {
      seen.push(deal);
    }
    expect(seen).toHaveLength(130);
    expect(seen.map((deal) => Number(deal.ID))).toEqual(
      [...seen.map((deal) => Number(deal.ID))].sort((a, b) => a - b),
    );
    expect(Object.keys(seen[0]).sort()).toEqual(['ID', 'ORIGIN_ID']);
    expect(emulator.stats().byMethod['crm.deal.list']).toBe(3);
  });

  it('gets deals by id, with null for the ones the portal does not have', async () => {
    const [created] = await gateway.createMany([draft('30')]);
    const id = created.status === 'ok' ? created.dealId : 0;
    const deals = await gateway.getMany([id, 555_555]);
    expect(deals.get(id)).toMatchObject({ ID: String(id), ORIGIN_ID: '30' });
    expect(deals.get(555_555)).toBeNull();
  });

  it('reads the deal fields, the stages of a funnel and the currencies', async () => {
    const fields = await gateway.fields();
    expect(fields.TITLE).toMatchObject({ type: 'string' });
    expect(fields.UF_CRM_ERP_NUMBER).toBeDefined();
    const general = await gateway.stages(0);
    expect(general[0]).toMatchObject({ statusId: 'NEW', semantics: 'process' });
    expect(general.find((stage) => stage.statusId === 'WON')?.semantics).toBe('success');
    expect(general.find((stage) => stage.statusId === 'LOSE')?.semantics).toBe('failure');
    const wholesale = await gateway.stages(1);
    expect(wholesale.every((stage) => stage.statusId.startsWith('C1:'))).toBe(true);
    expect(await gateway.currencies()).toEqual([
      { code: 'RUB', base: true },
      { code: 'USD', base: false },
      { code: 'EUR', base: false },
    ]);
  });
});

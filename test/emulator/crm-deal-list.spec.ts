import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { addDeal, call, emulatorFor, type Json } from './rest-call.js';

describe('emulator crm.deal.list (bitrix24-api.md §5.8, §5.9)', () => {
  let emulator: RunningEmulator;
  let midpoint = '';

  beforeAll(async () => {
    emulator = await emulatorFor({ clockSpeed: 1e-6 });
    const rows = [
      { TITLE: 'Alpha order', OPPORTUNITY: 100, STAGE_ID: 'NEW', ORIGIN_ID: 'A-1', CURRENCY_ID: 'USD' },
      { TITLE: 'Beta order', OPPORTUNITY: 250.5, STAGE_ID: 'WON', ORIGIN_ID: 'B-2' },
      { TITLE: 'Gamma', OPPORTUNITY: 50, STAGE_ID: 'PREPARATION', ORIGIN_ID: 'c-3', COMPANY_ID: 4 },
    ];
    for (const [index, fields] of rows.entries()) {
      await addDeal(emulator, { ...fields, ORIGINATOR_ID: 'erp' });
      emulator.advanceClock(1800);
      if (index === 0) {
        midpoint = new Date(emulator.now()).toISOString();
      }
      emulator.advanceClock(1800);
    }
    await addDeal(emulator, { TITLE: 'Delta', CATEGORY_ID: 1, UF_CRM_ERP_NUMBER: 'SO-4' });
  });
  afterAll(() => emulator.close());

  const ids = async (params: Record<string, unknown>) => {
    const answer = await call(emulator.webhookUrl, 'crm.deal.list', { select: ['ID'], ...params });
    expect(answer.status).toBe(200);
    return (answer.body.result as Json[]).map((row) => Number(row.ID));
  };

  it.each<[string, Record<string, unknown>, number[]]>([
    ['= (default operator)', { ORIGIN_ID: 'B-2' }, [2]],
    ['= case-insensitively, like MySQL', { ORIGIN_ID: 'C-3' }, [3]],
    ['= with a list (IN)', { ID: [1, 3] }, [1, 3]],
    ['@ (IN)', { '@ID': [2, 4] }, [2, 4]],
    ['!@ (NOT IN)', { '!@ID': [2, 4] }, [1, 3]],
    ['>', { '>OPPORTUNITY': 100 }, [2]],
    ['>=', { '>=OPPORTUNITY': 100 }, [1, 2]],
    ['<', { '<OPPORTUNITY': 100 }, [3, 4]],
    ['<=', { '<=ID': 2 }, [1, 2]],
    ['! (not equal)', { '!STAGE_ID': 'NEW' }, [2, 3, 4]],
    ['!=', { '!=ORIGIN_ID': 'A-1' }, [2, 3, 4]],
    ['% (substring LIKE)', { '%TITLE': 'order' }, [1, 2]],
    ['=% (explicit wildcard)', { '=%TITLE': 'Gam%' }, [3]],
    ['%= (explicit wildcard)', { '%=TITLE': '%ta' }, [4]],
    ['LIKE degraded to = on crm_status fields', { '%STAGE_ID': 'WO' }, []],
    ['empty value matching NULL', { ORIGIN_ID: '' }, [4]],
    ['an ISO datetime on DATE_MODIFY', { '>DATE_MODIFY': 'MIDPOINT' }, [2, 3, 4]],
    ['two conditions (AND)', { ORIGINATOR_ID: 'erp', '>ID': 1 }, [2, 3]],
    ['a UF field', { UF_CRM_ERP_NUMBER: 'SO-4' }, [4]],
    ['CATEGORY_ID', { CATEGORY_ID: 1 }, [4]],
  ])('filters with %s', async (_name, filter, expected) => {
    const resolved = Object.fromEntries(
      Object.entries(filter).map(([key, value]) => [key, value === 'MIDPOINT' ? midpoint : value]),
    );
    expect(await ids({ filter: resolved })).toEqual(expected);
  });

  it('silently removes unknown filter keys (a typo turns the filter off)', async () => {
    expect(await ids({ filter: { ORIGIN_IDX: 'nothing', origin_id: 'A-1' } })).toEqual([1, 2, 3, 4]);
  });

  it('ignores CONTACT_IDS in filter and select', async () => {
    expect(await ids({ filter: { CONTACT_IDS: [1] } })).toEqual([1, 2, 3, 4]);
    const rows = (await call(emulator.webhookUrl, 'crm.deal.list', { select: ['CONTACT_IDS'] })).body
      .result as Json[];
    expect(rows[0]).not.toHaveProperty('CONTACT_IDS');
  });

  it.each<[string, unknown[], string[]]>([
    ['explicit fields (no ID unless asked)', ['TITLE', 'ORIGIN_ID'], ['ORIGIN_ID', 'TITLE']],
    ['UF_* alone', ['UF_*'], ['UF_CRM_ERP_NUMBER']],
    ['explicit fields and UF_*', ['ID', 'UF_*'], ['ID', 'UF_CRM_ERP_NUMBER']],
  ])('selects %s', async (_name, select, keys) => {
    const rows = (await call(emulator.webhookUrl, 'crm.deal.list', { select })).body.result as Json[];
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(keys);
  });

  it("selects all system fields with '*' (no UF) and everything by default", async () => {
    const star =
      ((await call(emulator.webhookUrl, 'crm.deal.list', { select: ['*'] })).body.result as Json[])[0] ?? {};
    expect(star).toHaveProperty('ID');
    expect(star).toHaveProperty('DATE_MODIFY');
    expect(star).not.toHaveProperty('UF_CRM_ERP_NUMBER');
    const all = ((await call(emulator.webhookUrl, 'crm.deal.list', {})).body.result as Json[])[0] ?? {};
    expect(all).toHaveProperty('UF_CRM_ERP_NUMBER');
    expect(all).toHaveProperty('STAGE_ID');
  });

  it.each<[string, Record<string, string>, number[]]>([
    ['ID DESC', { ID: 'DESC' }, [4, 3, 2, 1]],
    ['OPPORTUNITY ASC (NULL-free)', { OPPORTUNITY: 'ASC' }, [4, 3, 1, 2]],
    ['STAGE_ID by stage sort', { STAGE_ID: 'ASC' }, [1, 4, 3, 2]],
  ])('orders by %s', async (_name, order, expected) => {
    expect(await ids({ order })).toEqual(expected);
  });

  it("rejects a scalar order or filter with the CRM's messages", async () => {
    const order = await call(emulator.webhookUrl, 'crm.deal.list', { order: 'ID' });
    expect(order.body).toEqual({ error: '', error_description: "Parameter 'order' must be array." });
    const filter = await call(emulator.webhookUrl, 'crm.deal.list', { filter: 'x' });
    expect(filter.body).toEqual({ error: '', error_description: "Parameter 'filter' must be array." });
  });
});

describe('emulator crm.deal.list paging', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await emulatorFor();
    for (let chunk = 0; chunk < 3; chunk++) {
      const cmd = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`d${i}`, 'crm.deal.add']));
      await call(emulator.webhookUrl, 'batch', { cmd });
    }
  });
  afterAll(() => emulator.close());

  const page = async (start: unknown) =>
    (await call(emulator.webhookUrl, 'crm.deal.list', { select: ['ID'], order: { ID: 'ASC' }, start })).body;

  it.each<[unknown, number, number | undefined, string]>([
    [0, 50, 50, '1'],
    [50, 50, 100, '51'],
    [60, 50, 100, '51'],
    [100, 20, undefined, '101'],
    ['75', 50, 100, '51'],
  ])('start=%s gives %i rows, next=%s, first ID %s, total 120', async (start, rows, next, firstId) => {
    const body = await page(start);
    expect((body.result as Json[]).length).toBe(rows);
    expect((body.result as Json[])[0]?.ID).toBe(firstId);
    expect(body.total).toBe(120);
    expect(body.next).toBe(next);
  });

  it('skips counting with start=-1: 50 rows, total 0, no next', async () => {
    const body = await page(-1);
    expect((body.result as Json[]).length).toBe(50);
    expect(body.total).toBe(0);
    expect(body).not.toHaveProperty('next');
  });

  it('walks everything with >ID and start=-1 (the fast export)', async () => {
    let lastId = 0;
    let seen = 0;
    for (;;) {
      const body = (
        await call(emulator.webhookUrl, 'crm.deal.list', {
          select: ['ID'],
          order: { ID: 'ASC' },
          filter: { '>ID': lastId },
          start: -1,
        })
      ).body;
      const rows = body.result as Json[];
      seen += rows.length;
      lastId = Number(rows.at(-1)?.ID ?? lastId);
      if (rows.length < 50) {
        break;
      }
    }
    expect(seen).toBe(120);
  });
});

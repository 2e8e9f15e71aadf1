import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { addDeal, call, emulatorFor, type Json } from './rest-call.js';

describe('emulator crm.deal.productrows.set/get (bitrix24-api.md §5b)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const rest = async (method: string, params: unknown) => {
    const answer = await call(emulator.webhookUrl, method, params);
    return { status: answer.status, body: answer.body, result: answer.body.result };
  };
  const rowsOf = async (id: number) => (await rest('crm.deal.productrows.get', { id })).result as Json[];
  const deal = async (id: number) => (await rest('crm.deal.get', { id })).result as Json;

  const lines = [
    { PRODUCT_NAME: 'Widget', PRICE: 899.1, QUANTITY: 2, DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: 10, SORT: 20 },
    { PRODUCT_NAME: 'Bolt', PRICE: 1.005, QUANTITY: 3, TAX_RATE: 20, SORT: 10 },
  ];

  it('stores the rows, answers true and prints them typed in SORT order', async () => {
    const id = await addDeal(emulator, { TITLE: 'Order' });
    expect((await rest('crm.deal.productrows.set', { id, rows: lines })).result).toBe(true);
    const rows = await rowsOf(id);
    expect(rows.map((row) => row.PRODUCT_NAME)).toEqual(['Bolt', 'Widget']);
    expect(rows[1]).toMatchObject({
      OWNER_ID: String(id),
      OWNER_TYPE: 'D',
      PRODUCT_ID: 0,
      PRICE: 899.1,
      PRICE_NETTO: 999,
      DISCOUNT_SUM: 99.9,
      QUANTITY: 2,
      TAX_RATE: null,
      TAX_INCLUDED: 'N',
    });
    expect(rows[0]).toMatchObject({ PRICE: 1.01, PRICE_EXCLUSIVE: 0.84, TAX_RATE: 20 });
    expect(typeof rows[0]?.ID).toBe('string');
  });

  it('recomputes OPPORTUNITY (and TAX_VALUE) from the rows and moves DATE_MODIFY', async () => {
    const id = await addDeal(emulator, { OPPORTUNITY: 5 });
    const before = await deal(id);
    emulator.advanceClock(60);
    await rest('crm.deal.productrows.set', { id, rows: lines });
    const after = await deal(id);
    expect(after).toMatchObject({ OPPORTUNITY: '1801.23', TAX_VALUE: '0.51', IS_MANUAL_OPPORTUNITY: 'N' });
    expect(after.DATE_MODIFY).not.toBe(before.DATE_MODIFY);
  });

  it('keeps OPPORTUNITY when IS_MANUAL_OPPORTUNITY is Y', async () => {
    const id = await addDeal(emulator, { OPPORTUNITY: 5, IS_MANUAL_OPPORTUNITY: 'Y' });
    await rest('crm.deal.productrows.set', { id, rows: lines });
    expect(await deal(id)).toMatchObject({ OPPORTUNITY: '5.00', TAX_VALUE: '0.51' });
  });

  it('replaces all rows on every set (resending is safe) and empties them with an empty set', async () => {
    const id = await addDeal(emulator, {});
    await rest('crm.deal.productrows.set', { id, rows: lines });
    await rest('crm.deal.productrows.set', { id, rows: lines });
    expect(await rowsOf(id)).toHaveLength(2);
    await rest('crm.deal.productrows.set', { id, rows: [{ PRODUCT_NAME: 'Only', PRICE: 10 }] });
    expect((await rowsOf(id)).map((row) => row.PRODUCT_NAME)).toEqual(['Only']);
    expect((await deal(id)).OPPORTUNITY).toBe('10.00');
    await rest('crm.deal.productrows.set', { id, rows: [] });
    expect(await rowsOf(id)).toEqual([]);
    expect((await deal(id)).OPPORTUNITY).toBe('0.00');
  });

  it('leaves OPPORTUNITY alone when a deal without rows gets none', async () => {
    const id = await addDeal(emulator, { OPPORTUNITY: 7 });
    await rest('crm.deal.productrows.set', { id, rows: [] });
    expect((await deal(id)).OPPORTUNITY).toBe('7.00');
  });

  it('refuses a percent discount without DISCOUNT_RATE with ERROR_CORE and keeps the old rows', async () => {
    const id = await addDeal(emulator, {});
    await rest('crm.deal.productrows.set', { id, rows: lines });
    const answer = await rest('crm.deal.productrows.set', {
      id,
      rows: [{ PRODUCT_NAME: 'x', PRICE: 1, DISCOUNT_TYPE_ID: 2 }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'ERROR_CORE',
      error_description:
        'Discount Rate (DISCOUNT_RATE) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined.<br>',
    });
    expect(await rowsOf(id)).toHaveLength(2);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing deal', { id: 99, rows: [] }, 'Not found'],
    ['an invalid id', { id: 'x', rows: [] }, 'The parameter id is invalid or not defined.'],
    ['rows that are not an array', { id: 1, rows: 'x' }, "Parameter 'rows' must be array."],
  ])('answers %s with a CRM error', async (_name, params, description) => {
    await addDeal(emulator, {});
    const answer = await rest('crm.deal.productrows.set', params);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: '', error_description: description });
  });

  it('rides in the same batch as the create with $result[cmd], form-encoded like a command string', async () => {
    const rows = 'rows[0][PRODUCT_NAME]=Widget&rows[0][PRICE]=12.5&rows[0][QUANTITY]=2';
    const batch = await rest('batch', {
      halt: 1,
      cmd: {
        cmd0: 'crm.deal.add?fields[TITLE]=Order%201',
        cmd1: `crm.deal.productrows.set?id=$result[cmd0]&${rows}`,
      },
    });
    expect((batch.result as Json).result).toEqual({ cmd0: 1, cmd1: true });
    expect(emulator.productRows(1)).toEqual([
      expect.objectContaining({ PRODUCT_NAME: 'Widget', PRICE: 12.5 }),
    ]);
    expect((await deal(1)).OPPORTUNITY).toBe('25.00');
  });

  it('drops the rows with the deal', async () => {
    const id = await addDeal(emulator, {});
    await rest('crm.deal.productrows.set', { id, rows: lines });
    await rest('crm.deal.delete', { id });
    expect(emulator.productRows(id)).toEqual([]);
  });
});

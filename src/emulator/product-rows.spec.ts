import { describe, expect, it } from '@jest/globals';
import { prepareProductRow, productTotals } from './product-rows.js';

describe(prepareProductRow.name, () => {
  it('derives the docs example row: 10 % off, price per unit after discount', () => {
    const row = prepareProductRow(
      {
        PRODUCT_NAME: 'Product #2',
        PRICE: 899.1,
        QUANTITY: 1,
        DISCOUNT_TYPE_ID: 2,
        DISCOUNT_RATE: 10,
        TAX_INCLUDED: 'Y',
      },
      5,
      7,
    );
    expect(row).toMatchObject({
      ID: 5,
      OWNER_ID: 7,
      PRICE: 899.1,
      PRICE_EXCLUSIVE: 899.1,
      PRICE_NETTO: 999,
      PRICE_BRUTTO: 999,
      DISCOUNT_TYPE_ID: 2,
      DISCOUNT_RATE: 10,
      DISCOUNT_SUM: 99.9,
      TAX_RATE: null,
      TAX_INCLUDED: 'Y',
    });
  });

  it('takes tax out of the per-unit price and derives the rate of a money discount', () => {
    const row = prepareProductRow(
      { PRICE: 1000, QUANTITY: 10, DISCOUNT_TYPE_ID: 1, DISCOUNT_SUM: 100, TAX_RATE: 13 },
      1,
      1,
    );
    expect(row).toMatchObject({
      PRICE: 1000,
      PRICE_EXCLUSIVE: 884.96,
      DISCOUNT_SUM: 100,
      DISCOUNT_RATE: 10.15,
      PRICE_NETTO: 984.96,
      PRICE_BRUTTO: 1113,
      TAX_RATE: 13,
      TAX_INCLUDED: 'N',
    });
  });

  it('rounds money half away from zero (PHP round) and quantities to 4 decimals; defaults quantity 1', () => {
    expect(prepareProductRow({ PRICE: '10.005', QUANTITY: '1.23456' }, 1, 1)).toMatchObject({
      PRICE: 10.01,
      QUANTITY: 1.2346,
    });
    expect(prepareProductRow({ PRICE: -2.675 }, 1, 1)).toMatchObject({ PRICE: -2.68, QUANTITY: 1 });
  });

  it('treats a missing discount type as percent with rate 0, whatever DISCOUNT_RATE says', () => {
    expect(prepareProductRow({ PRICE: 100, DISCOUNT_RATE: 15 }, 1, 1)).toMatchObject({
      DISCOUNT_TYPE_ID: 2,
      DISCOUNT_RATE: 0,
      DISCOUNT_SUM: 0,
      PRICE_NETTO: 100,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'percent without a rate',
      { PRICE: 1, DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: null },
      'Discount Rate (DISCOUNT_RATE) is required',
    ],
    [
      'money without a sum',
      { PRICE: 1, DISCOUNT_TYPE_ID: 1 },
      'Discount Sum (DISCOUNT_SUM) is required if Monetary',
    ],
    [
      '100 % without a sum',
      { PRICE: 0, DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: 100 },
      'Discount Rate (DISCOUNT_RATE) is 100%',
    ],
  ])('refuses %s with ERROR_CORE', (_name, input, message) => {
    expect(() => prepareProductRow(input, 1, 1)).toThrow(message);
  });
});

describe(productTotals.name, () => {
  it('sums price × quantity and the tax inside taxed rows', () => {
    const rows = [
      prepareProductRow({ PRICE: 1000, QUANTITY: 10, TAX_RATE: 13 }, 1, 1),
      prepareProductRow({ PRICE: 899.1, QUANTITY: 1 }, 2, 1),
    ];
    expect(productTotals(rows)).toEqual({ opportunity: 10899.1, taxValue: 1150.4 });
    expect(productTotals([])).toEqual({ opportunity: 0, taxValue: 0 });
  });
});

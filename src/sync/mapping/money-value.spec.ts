import { describe, expect, it } from '@jest/globals';
import { InvalidValue, MappingErrorCode } from './mapped-payload.js';
import { toDecimal, toMoney } from './money-value.js';

describe(toMoney.name, () => {
  it.each([
    ['1234.50', '1234.50'],
    ['1000.5', '1000.50'],
    ['1000', '1000.00'],
    [1000.5, '1000.50'],
    [0.1 + 0.2, '0.30'],
    [1.005, '1.01'],
    ['2.345', '2.35'],
    ['2.344999', '2.34'],
    ['-2.345', '-2.35'],
    ['-0.004', '0.00'],
    ['-0.00', '0.00'],
    ['0.005', '0.01'],
    ['999.995', '1000.00'],
    ['007.10', '7.10'],
    ['+12', '12.00'],
    ['.5', '0.50'],
    ['5.', '5.00'],
    [' 12.3 ', '12.30'],
    ['1e3', '1000.00'],
    ['1.5E-2', '0.02'],
    [1e-7, '0.00'],
    ['123456789012345678.994', '123456789012345678.99'],
    ['99999999999999999.995', '100000000000000000.00'],
    [null, null],
    ['', null],
    ['   ', null],
  ])('converts %p to %p', (input, expected) => {
    expect(toMoney(input)).toBe(expected);
  });

  it.each([
    ['12,50', /decimal comma/],
    ['1,234.50', /not a decimal number/],
    ['abc', /not a decimal number/],
    ['$12', /not a decimal number/],
    ['1 234', /not a decimal number/],
    ['NaN', /not a finite number/],
    ['Infinity', /not a finite number/],
    [Number.NaN, /not a finite number/],
    ['.', /no digits/],
    ['1e999', /exponent out of range/],
    ['1234567890123456789', /more than 18 digits/],
    [1e21, /more than 18 digits/],
    [true, /got boolean/],
  ])('rejects %p', (input, rule) => {
    const result = toMoney(input);

    expect(result).toBeInstanceOf(InvalidValue);
    expect((result as InvalidValue).code).toBe(MappingErrorCode.InvalidMoney);
    expect((result as InvalidValue).rule).toMatch(rule);
  });
});

describe(toDecimal.name, () => {
  it.each([
    ['2.500', '2.5'],
    ['002', '2'],
    ['0.000', '0'],
    ['-0.0', '0'],
    ['1e3', '1000'],
    ['.125', '0.125'],
    [12.5, '12.5'],
    ['123456789012345678901.000000001', '123456789012345678901.000000001'],
    ['', null],
    [null, null],
  ])('%p is %p, exactly', (input, expected) => {
    expect(toDecimal(input)).toBe(expected);
  });

  it('refuses a decimal comma', () => {
    expect(toDecimal('1,5')).toEqual(
      new InvalidValue(
        MappingErrorCode.InvalidDecimal,
        'decimal comma is not accepted; use a point (12.50) or convert it in the source query',
      ),
    );
  });
});

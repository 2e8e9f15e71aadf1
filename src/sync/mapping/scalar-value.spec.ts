import { describe, expect, it } from '@jest/globals';
import { InvalidValue, MappingErrorCode } from './mapped-payload.js';
import { toBoolean, toInteger, toText } from './scalar-value.js';

function ruleOf(result: unknown): { code: MappingErrorCode; rule: string } {
  expect(result).toBeInstanceOf(InvalidValue);
  const invalid = result as InvalidValue;
  return { code: invalid.code, rule: invalid.rule };
}

describe(toBoolean.name, () => {
  it.each([
    [true, 'Y'],
    [false, 'N'],
    [1, 'Y'],
    [0, 'N'],
    ['t', 'Y'],
    ['f', 'N'],
    ['TRUE', 'Y'],
    ['false', 'N'],
    ['yes', 'Y'],
    ['No', 'N'],
    ['Y', 'Y'],
    ['n', 'N'],
    ['1', 'Y'],
    ['0', 'N'],
    [' on ', 'Y'],
    ['off', 'N'],
    [null, null],
    ['', null],
  ])('reads %p as %p', (input, expected) => {
    expect(toBoolean(input)).toBe(expected);
  });

  it.each([['maybe'], [2], ['yes please'], [-1]])('rejects %p', (input) => {
    expect(ruleOf(toBoolean(input))).toEqual({
      code: MappingErrorCode.InvalidBoolean,
      rule: expect.stringMatching(/not a boolean/),
    });
  });
});

describe(toInteger.name, () => {
  it.each([
    [42, 42],
    [-0, 0],
    ['42', 42],
    ['0042', 42],
    ['-7', -7],
    ['-0', 0],
    ['12.00', 12],
    ['+5', 5],
    ['9007199254740993', '9007199254740993'],
    ['-9223372036854775808', '-9223372036854775808'],
    [null, null],
    ['', null],
  ])('reads %p as %p', (input, expected) => {
    expect(toInteger(input)).toBe(expected);
  });

  it.each([['12.5'], ['abc'], [1.5], [2 ** 60], [true], ['1e3']])('rejects %p', (input) => {
    expect(ruleOf(toInteger(input)).code).toBe(MappingErrorCode.InvalidInteger);
  });
});

describe(toText.name, () => {
  const unlimited = { maxLength: undefined, truncate: true };

  it.each([
    ['Azure Interior', unlimited, 'Azure Interior'],
    [42, unlimited, '42'],
    [false, unlimited, 'false'],
    ['', unlimited, null],
    [null, unlimited, null],
    ['abcdef', { maxLength: 4, truncate: true }, 'abcd'],
    ['abcd', { maxLength: 4, truncate: false }, 'abcd'],
    ['😀😀😀', { maxLength: 3, truncate: false }, '😀😀😀'],
    ['a😀b😀', { maxLength: 2, truncate: true }, 'a😀'],
  ])('turns %p (%o) into %p', (input, options, expected) => {
    expect(toText(input, options)).toBe(expected);
  });

  it.each([
    ['a NUL byte', 'before\u0000after', 'holds a NUL character (U+0000) at character 7'],
    ['a lone surrogate', 'cut \ud83d', 'holds a lone UTF-16 surrogate (U+D83D) at character 5'],
  ])('fails text holding %s, which the outbox cannot store', (_, text, rule) => {
    expect(ruleOf(toText(text, unlimited))).toEqual({
      code: MappingErrorCode.UnstorableText,
      rule: expect.stringContaining(rule),
    });
  });

  it('fails an over-long value when truncation is off, naming both lengths', () => {
    expect(ruleOf(toText('abcdef', { maxLength: 4, truncate: false }))).toEqual({
      code: MappingErrorCode.TooLong,
      rule: '6 characters, more than maxLength 4 (truncate is off)',
    });
  });
});

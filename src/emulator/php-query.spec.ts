import { describe, expect, it } from '@jest/globals';
import {
  parsePhpQuery,
  phpFloatval,
  phpIntval,
  phpRound,
  phpTruthy,
  splitPhpKey,
  urlDecode,
} from './php-query.js';

describe('parsePhpQuery (PHP parse_str)', () => {
  it.each<[string, unknown]>([
    ['a=1&b=2', { a: '1', b: '2' }],
    ['fields[TITLE]=x&fields[PHONE][0][VALUE]=1', { fields: { TITLE: 'x', PHONE: { 0: { VALUE: '1' } } } }],
    ['select[]=ID&select[]=TITLE', { select: { 0: 'ID', 1: 'TITLE' } }],
    ['a[5]=x&a[]=y', { a: { 5: 'x', 6: 'y' } }],
    ['q=a+b%2Bc', { q: 'a b+c' }],
    ['flag&empty=', { flag: '', empty: '' }],
    ['a=1&a=2', { a: '2' }],
    ['a=1&a[x]=2', { a: { x: '2' } }],
    ['my.key=1&my key=2', { my_key: '2' }],
    ['a[b=1', { a_b: '1' }],
    ['a[b]c=1', { a: { b: '1' } }],
    ['=1&[x]=2', {}],
    ['filter[>=ID]=5', { 'filter_>': 'ID]=5' }],
    ['filter[%3E%3DID]=5', { filter: { '>=ID': '5' } }],
    ['t=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82', { t: 'Привет' }],
    ['__proto__[x]=1&ok=1', { ok: '1' }],
  ])('parses %s', (query, expected) => {
    expect(parsePhpQuery(query)).toEqual(expected);
  });

  it('keeps malformed percent escapes literally', () => {
    expect(urlDecode('100%+sure%zz')).toBe('100% sure%zz');
  });

  it('splits bracketed keys', () => {
    expect(splitPhpKey('a[b][]')).toEqual(['a', 'b', '']);
    expect(splitPhpKey('[a]')).toBeUndefined();
  });
});

describe('PHP casts', () => {
  it.each<[unknown, number]>([
    ['42', 42],
    [' -1', -1],
    ['12abc', 12],
    ['abc', 0],
    [3.9, 3],
    [true, 1],
    [null, 0],
    [{}, 0],
    [{ a: 1 }, 1],
  ])('intval(%j) = %i', (value, expected) => {
    expect(phpIntval(value)).toBe(expected);
  });

  it.each<[unknown, number]>([
    ['1234.567', 1234.567],
    ['1e3', 1000],
    ['1 000,50', 1],
    ['x', 0],
  ])('floatval(%j) = %s', (value, expected) => {
    expect(phpFloatval(value)).toBe(expected);
  });

  it.each<[unknown, boolean]>([
    ['', false],
    ['0', false],
    ['false', true],
    ['1', true],
    [0, false],
    [false, false],
    [true, true],
    [{}, false],
  ])('(bool) %j = %s', (value, expected) => {
    expect(phpTruthy(value)).toBe(expected);
  });
});

describe('phpRound (PHP round)', () => {
  it.each<[number, number, number]>([
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [-1.005, 2, -1.01],
    [0.125, 2, 0.13],
    [-0.004, 2, 0],
    [1.23456, 4, 1.2346],
    [899.1, 2, 899.1],
  ])('round(%p, %p) = %p, half away from zero', (value, places, expected) => {
    expect(phpRound(value, places)).toBe(expected);
  });
});

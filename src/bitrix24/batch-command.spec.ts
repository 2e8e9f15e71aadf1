import { describe, expect, it } from '@jest/globals';
import { chunk, encodeBatchCommand, encodeQuery } from './batch-command.js';

describe(encodeQuery.name, () => {
  it.each([
    { what: 'flat scalars', params: { id: 5, name: 'x' }, expected: 'id=5&name=x' },
    { what: 'nested fields', params: { fields: { TITLE: 'Order 1' } }, expected: 'fields[TITLE]=Order%201' },
    { what: 'plus sign', params: { fields: { PHONE: '+7 900' } }, expected: 'fields[PHONE]=%2B7%20900' },
    {
      what: 'characters that would break a command',
      params: { fields: { COMMENTS: 'a&b=c#d?e[f]%' } },
      expected: 'fields[COMMENTS]=a%26b%3Dc%23d%3Fe%5Bf%5D%25',
    },
    { what: 'list', params: { select: ['ID', 'TITLE'] }, expected: 'select[0]=ID&select[1]=TITLE' },
    {
      what: 'filter operators in keys',
      params: { filter: { '>ID': 10, '@ORIGIN_ID': ['a', 'b'] } },
      expected: 'filter[%3EID]=10&filter[%40ORIGIN_ID][0]=a&filter[%40ORIGIN_ID][1]=b',
    },
    {
      what: 'deep nesting',
      params: { fields: { PHONE: [{ VALUE: '1', VALUE_TYPE: 'WORK' }] } },
      expected: 'fields[PHONE][0][VALUE]=1&fields[PHONE][0][VALUE_TYPE]=WORK',
    },
    { what: 'null clears', params: { fields: { COMMENTS: null } }, expected: 'fields[COMMENTS]=' },
    { what: 'undefined is left out', params: { a: undefined, b: 1 }, expected: 'b=1' },
    { what: 'booleans', params: { a: true, b: false }, expected: 'a=1&b=0' },
    {
      what: 'dates',
      params: { d: new Date('2026-01-02T03:04:05Z') },
      expected: 'd=2026-01-02T03%3A04%3A05.000Z',
    },
    { what: 'empty containers are left out', params: { a: [], b: {}, c: 'x' }, expected: 'c=x' },
    { what: 'unicode', params: { t: 'Заказ №1' }, expected: 't=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7%20%E2%84%961' },
    { what: 'negative start', params: { start: -1 }, expected: 'start=-1' },
  ])('$what', ({ params, expected }) => {
    expect(encodeQuery(params)).toBe(expected);
  });
});

describe(encodeBatchCommand.name, () => {
  it.each([
    { method: 'crm.deal.fields', params: undefined, expected: 'crm.deal.fields' },
    { method: 'crm.deal.get', params: { id: 7 }, expected: 'crm.deal.get?id=7' },
    {
      method: 'crm.deal.update',
      params: { id: 7, fields: { OPPORTUNITY: '1+1' } },
      expected: 'crm.deal.update?id=7&fields[OPPORTUNITY]=1%2B1',
    },
  ])('$method → $expected', ({ method, params, expected }) => {
    expect(encodeBatchCommand(method, params)).toBe(expected);
  });
});

describe(chunk.name, () => {
  it.each([
    { size: 0, expected: [] },
    { size: 1, expected: [1] },
    { size: 50, expected: [50] },
    { size: 51, expected: [50, 1] },
    { size: 100, expected: [50, 50] },
    { size: 101, expected: [50, 50, 1] },
  ])('splits $size commands into chunks of $expected', ({ size, expected }) => {
    const items = Array.from({ length: size }, (_, index) => index);
    const chunks = chunk(items);
    expect(chunks.map((c) => c.length)).toEqual(expected);
    expect(chunks.flat()).toEqual(items);
  });

  it('refuses a chunk size below one', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from '@jest/globals';
import { readBatchResult } from './batch-result.js';

const time = { start: 1, finish: 2, operating: 0 };

describe(readBatchResult.name, () => {
  it('reads results, errors with empty codes, totals and missing keys', () => {
    const entries = readBatchResult(['a', 'b', 'c', 'd'], {
      result: { a: 12, c: [{ ID: '1' }] },
      result_error: { b: { error: '', error_description: 'Invalid value for the Currency field' } },
      result_time: { a: time, b: time, c: time },
      result_total: { c: 1 },
      result_next: [],
    });
    expect(entries.get('a')).toEqual({ kind: 'result', value: 12, time, total: undefined, next: undefined });
    expect(entries.get('b')).toEqual({
      kind: 'error',
      code: '',
      description: 'Invalid value for the Currency field',
      time,
    });
    expect(entries.get('c')).toMatchObject({ kind: 'result', total: 1 });
    expect(entries.get('d')).toEqual({ kind: 'missing' });
  });

  it.each([
    { what: 'a false result is still a result', result: { a: false }, errors: [], kind: 'result' },
    { what: 'a null result is still a result', result: { a: null }, errors: [], kind: 'result' },
    {
      what: 'an error wins over a result',
      result: { a: true },
      errors: { a: { error: 'X' } },
      kind: 'error',
    },
    { what: 'empty sections as PHP arrays', result: [], errors: [], kind: 'missing' },
    { what: 'no sections at all', result: undefined, errors: undefined, kind: 'missing' },
  ])('$what', ({ result, errors, kind }) => {
    expect(readBatchResult(['a'], { result, result_error: errors }).get('a')?.kind).toBe(kind);
  });

  it('reads list-style (array) sections by index', () => {
    const entries = readBatchResult(['0', '1'], { result: [5, 6], result_error: [] });
    expect(entries.get('1')).toMatchObject({ kind: 'result', value: 6 });
  });

  it('treats a payload that is not an object as all missing', () => {
    expect(readBatchResult(['a'], 'oops').get('a')).toEqual({ kind: 'missing' });
  });

  it('stringifies a numeric error code', () => {
    const entries = readBatchResult(['a'], { result_error: { a: { error: 100, error_description: 'x' } } });
    expect(entries.get('a')).toMatchObject({ kind: 'error', code: '100' });
  });
});

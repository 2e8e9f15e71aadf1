import { describe, expect, it } from '@jest/globals';
import {
  encodeSection,
  executeBatch,
  parseBatchParams,
  parseCommand,
  substituteReferences,
  type BatchSections,
} from './batch.js';
import { RestError } from './rest-error.js';

const sections = (result: Record<string, unknown>): BatchSections<number> => ({
  result,
  result_error: {},
  result_total: { list: 120 },
  result_next: { list: 50 },
  result_time: {},
});

describe('batch parsing', () => {
  it('finds cmd and halt in any case and skips non-string commands', () => {
    expect(parseBatchParams({ Cmd: { a: 'x', b: 5 }, HaLt: '1' })).toEqual({
      commands: [{ key: 'a', text: 'x' }],
      halt: true,
    });
    expect(parseBatchParams({ cmd: ['m1', 'm2'] }).commands.map((c) => c.key)).toEqual(['0', '1']);
  });

  it('splits a command into method and PHP-parsed params; # starts a fragment', () => {
    expect(parseCommand('crm.deal.list?filter[ID]=1&x=a+b#tail&y=2')).toEqual({
      method: 'crm.deal.list',
      params: { filter: { ID: '1' }, x: 'a b' },
    });
    expect(parseCommand('profile')).toEqual({ method: 'profile', params: {} });
  });
});

describe('substituteReferences', () => {
  const data = sections({
    add: 7,
    get: { ID: '7', TITLE: 'T', LIST: ['a', 'b'] },
    list: [{ ID: '1' }, { ID: '50' }],
  });

  it.each<[string, unknown, unknown]>([
    ['a whole-value reference keeps its type', '$result[add]', 7],
    ['a nested path', '$result[get][TITLE]', 'T'],
    ['a list index', '$result[list][1][ID]', '50'],
    ['an array value', '$result[get][LIST]', ['a', 'b']],
    ['$next', '$next[list]', 50],
    ['$total', '$total[list]', 120],
    ['case-insensitively', '$RESULT[get][TITLE]', 'T'],
    [
      'a partially resolvable whole value to the deepest level',
      '$result[get][NOPE]',
      { ID: '7', TITLE: 'T', LIST: ['a', 'b'] },
    ],
    ['an unknown command as literal text', '$result[nope][ID]', '$result[nope][ID]'],
    ['an embedded string reference', 'Copy of $result[get][TITLE]', 'Copy of T'],
    ['an embedded non-string reference as literal', 'n=$result[add] x', 'n=$result[add] x'],
    ['an embedded unresolved reference as literal', 'x $result[get][NOPE] y', 'x $result[get][NOPE] y'],
  ])('replaces %s', (_name, value, expected) => {
    expect(substituteReferences(value, data)).toEqual(expected);
  });

  it('walks nested params and keys', () => {
    expect(substituteReferences({ filter: { '>ID': '$result[list][1][ID]' }, $result_x: 1 }, data)).toEqual({
      filter: { '>ID': '50' },
      $result_x: 1,
    });
  });
});

describe('executeBatch', () => {
  const ok = (result: unknown) => ({ ok: true as const, result, time: 0 });

  it('runs at most 50 commands and reports the rest as too many', () => {
    const commands = Array.from({ length: 53 }, (_, i) => ({ key: `c${i}`, text: 'm' }));
    let runs = 0;
    const out = executeBatch({ commands, halt: false }, () => ok(++runs));
    expect(runs).toBe(50);
    expect(Object.keys(out.result_error)).toEqual(['c50', 'c51', 'c52']);
  });

  it('stops after the first error with halt', () => {
    const commands = ['a', 'b', 'c'].map((key) => ({ key, text: key }));
    const out = executeBatch({ commands, halt: true }, (method) =>
      method === 'b' ? { ok: false, error: new RestError('X', 'x') } : ok(method),
    );
    expect(out.result).toEqual({ a: 'a' });
    expect(out.result_error).toEqual({ b: { error: 'X', error_description: 'x' } });
  });
});

describe('encodeSection (PHP json_encode)', () => {
  it.each<[Record<string, unknown>, unknown]>([
    [{}, []],
    [{ 0: 'a', 1: 'b' }, ['a', 'b']],
    [
      { 0: 'a', 2: 'c' },
      { 0: 'a', 2: 'c' },
    ],
    [{ x: 1 }, { x: 1 }],
  ])('encodes %j as %j', (section, expected) => {
    expect(encodeSection(section)).toEqual(expected);
  });
});

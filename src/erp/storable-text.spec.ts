import { describe, expect, it } from '@jest/globals';
import { storableText, storableValue, unstorableTextReason } from './storable-text.js';

describe(unstorableTextReason.name, () => {
  it.each([
    ['plain text', 'Azure Interior'],
    ['an emoji (a surrogate pair)', 'order 😀 shipped'],
    ['the six characters of an escape', 'a\\u0000b'],
    ['empty text', ''],
  ])('accepts %s', (_, text) => {
    expect(unstorableTextReason(text)).toBeUndefined();
  });

  it.each([
    [
      'a NUL byte',
      'ab\u0000c',
      'holds a NUL character (U+0000) at character 3, which PostgreSQL cannot store',
    ],
    ['a NUL byte after an emoji', '😀\u0000', 'holds a NUL character (U+0000) at character 2'],
    [
      'a lone high surrogate',
      'ab\ud83d',
      'holds a lone UTF-16 surrogate (U+D83D) at character 3, which is not Unicode text',
    ],
    ['a lone low surrogate', '\ude00x', 'holds a lone UTF-16 surrogate (U+DE00) at character 1'],
  ])('refuses %s, saying what and where', (_, text, reason) => {
    expect(unstorableTextReason(text)).toContain(reason);
  });
});

describe(storableText.name, () => {
  it('replaces NUL bytes and lone surrogates by U+FFFD and keeps surrogate pairs', () => {
    expect(storableText('a\u0000b\ud83d😀\ude00')).toBe('a\ufffdb\ufffd😀\ufffd');
    expect(storableText('clean')).toBe('clean');
  });

  it('reaches strings inside arrays and objects', () => {
    expect(storableValue({ old: ['x\u0000'], n: 1, nested: { 'k\u0000': null } })).toEqual({
      old: ['x\ufffd'],
      n: 1,
      nested: { 'k\ufffd': null },
    });
  });
});

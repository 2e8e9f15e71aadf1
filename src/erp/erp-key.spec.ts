import { describe, expect, it } from '@jest/globals';
import { decodeErpKey, describeKey, encodeErpKey } from './erp-key.js';

describe(encodeErpKey.name, () => {
  it.each([
    { key: ['42'], encoded: '42' },
    { key: ['a|b\\c'], encoded: 'a|b\\c' },
    { key: [''], encoded: '' },
    { key: ['SO001', '3'], encoded: 'SO001|3' },
    { key: ['a|b', 'c'], encoded: 'a\\|b|c' },
    { key: ['a\\', 'b'], encoded: 'a\\\\|b' },
    { key: ['', ''], encoded: '|' },
    { key: ['x', '', 'z'], encoded: 'x||z' },
    { key: ['🚀', 'Ünï|cødé'], encoded: '🚀|Ünï\\|cødé' },
  ])('encodes $key as $encoded', ({ key, encoded }) => {
    expect(encodeErpKey(key)).toBe(encoded);
  });

  it('refuses an empty key', () => {
    expect(() => encodeErpKey([])).toThrow('at least one column');
  });

  it.each([
    [
      ['a|', 'b'],
      ['a', '|b'],
    ],
    [
      ['a\\', '|b'],
      ['a\\|', 'b'],
    ],
    [
      ['a', 'b|c'],
      ['a|b', 'c'],
    ],
    [
      ['\\', ''],
      ['', '\\'],
    ],
  ])('keeps distinct composite keys %j and %j distinct', (left, right) => {
    expect(encodeErpKey(left)).not.toBe(encodeErpKey(right));
  });
});

describe(decodeErpKey.name, () => {
  it.each([
    { key: ['42'] },
    { key: ['a|b\\c'] },
    { key: ['SO001', '3'] },
    { key: ['a|b', 'c\\'] },
    { key: ['', ''] },
    { key: ['\\|', '|\\', '\\\\'] },
    { key: ['🚀', 'Ünï|cødé'] },
  ])('round-trips $key', ({ key }) => {
    expect(decodeErpKey(encodeErpKey(key), key.length)).toEqual(key);
  });

  it.each([
    { text: 'a|b', columns: 3, why: 'too few parts' },
    { text: 'a|b|c', columns: 2, why: 'too many parts' },
    { text: 'a\\', columns: 2, why: 'a dangling escape' },
    { text: 'a\\x|b', columns: 2, why: 'an escape of an ordinary character' },
    { text: 'a', columns: 0, why: 'no columns' },
  ])('rejects "$text" for $columns columns ($why)', ({ text, columns }) => {
    expect(decodeErpKey(text, columns)).toBeUndefined();
  });
});

describe(describeKey.name, () => {
  it.each([
    { columns: ['id'], values: ['42'], text: 'id = "42"' },
    { columns: ['order_id', 'line_no'], values: ['7', null], text: '(order_id, line_no) = ("7", NULL)' },
  ])('shows $text', ({ columns, values, text }) => {
    expect(describeKey(columns, values)).toBe(text);
  });
});

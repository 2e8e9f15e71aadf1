import { describe, expect, it } from '@jest/globals';
import type { FieldType } from '../../config/mapping.schema.js';
import { isEmptyFieldValue, sameFieldValue } from './field-value.js';

describe(sameFieldValue.name, () => {
  it.each<[FieldType, unknown, unknown, boolean]>([
    ['money', '100.00', '100', true],
    ['money', '100.00', 100, true],
    ['money', '100.00', '100.01', false],
    ['money', '0.00', null, true],
    ['money', 'garbage', 'garbage', true],
    ['date', '2024-08-30T02:00:00+02:00', '2024-08-30', true],
    ['date', '2024-08-30', '2024-08-31', false],
    ['datetime', '2024-08-30T02:00:00+02:00', '2024-08-30T00:00:00+00:00', true],
    ['datetime', '2024-08-30T02:00:00+02:00', '2024-08-30T02:00:00+00:00', false],
    ['boolean', 'Y', true, true],
    ['boolean', 'N', '0', true],
    ['boolean', 'Y', 'N', false],
    ['integer', '5', 5, true],
    ['integer', '5', 6, false],
    ['string', null, '', true],
    ['string', 'EUR', 'EUR', true],
    ['string', 'EUR', 'eur', false],
    ['string', undefined, null, true],
  ])('%s: %p vs %p → %p', (type, left, right, expected) => {
    expect(sameFieldValue(type, left, right)).toBe(expected);
    expect(sameFieldValue(type, right, left)).toBe(expected);
  });
});

describe(isEmptyFieldValue.name, () => {
  it.each<[FieldType, unknown, boolean]>([
    ['string', null, true],
    ['string', '', true],
    ['string', undefined, true],
    ['string', ' ', false],
    ['string', 'x', false],
    ['money', '0.00', true],
    ['money', '0', true],
    ['money', '0.01', false],
    ['integer', 0, false],
    ['boolean', 'N', false],
    ['date', null, true],
  ])('%s %p → %p', (type, value, expected) => {
    expect(isEmptyFieldValue(type, value)).toBe(expected);
  });
});

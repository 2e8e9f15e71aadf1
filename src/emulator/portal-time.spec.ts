import { describe, expect, it } from '@jest/globals';
import {
  addDays,
  formatDateOnly,
  formatDateTime,
  parseOffset,
  parsePortalDate,
  parsePortalInstant,
} from './portal-time.js';

const msk = parseOffset('+03:00');

describe('portal time', () => {
  it('formats like PHP date("c") in the portal offset', () => {
    expect(formatDateTime(Date.parse('2024-08-30T11:29:05.900Z'), msk)).toBe('2024-08-30T14:29:05+03:00');
  });

  it.each([
    ['+03:00', '2024-08-30T03:00:00+03:00'],
    ['+02:00', '2024-08-30T02:00:00+02:00'],
    ['-05:00', '2024-08-29T19:00:00-05:00'],
  ])('prints a date-only value as UTC midnight in %s', (offset, expected) => {
    expect(formatDateOnly('2024-08-30', parseOffset(offset))).toBe(expected);
  });

  it.each<[string, string | undefined]>([
    ['2024-08-30', '2024-08-30'],
    ['30.08.2024', '2024-08-30'],
    ['2024-08-30T02:00:00+02:00', '2024-08-30'],
    ['2024-08-29T23:30:00Z', '2024-08-30'],
    ['2024-02-31', undefined],
    ['tomorrow', undefined],
  ])('reads date input %s', (text, expected) => {
    expect(parsePortalDate(text, msk)).toBe(expected);
  });

  it.each<[string, string | undefined]>([
    ['2024-08-30T14:29:05+03:00', '2024-08-30T11:29:05.000Z'],
    ['2024-08-30T14:29:05', '2024-08-30T11:29:05.000Z'],
    ['2024-08-30 14:29', '2024-08-30T11:29:00.000Z'],
    ['2024-08-30T14:29:05+0300', '2024-08-30T11:29:05.000Z'],
    ['2024-08-30', '2024-08-29T21:00:00.000Z'],
    ['nope', undefined],
  ])('reads datetime input %s', (text, expected) => {
    const instant = parsePortalInstant(text, msk);
    expect(instant === undefined ? undefined : new Date(instant).toISOString()).toBe(expected);
  });

  it('adds calendar days and validates offsets', () => {
    expect(addDays('2024-12-28', 7)).toBe('2025-01-04');
    expect(() => parseOffset('MSK')).toThrow('timezoneOffset');
  });
});

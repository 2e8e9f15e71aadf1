import { describe, expect, it } from '@jest/globals';
import { daysInMonth, isoDateOf, isoDateTimeOf } from './civil-date.js';

describe(isoDateOf.name, () => {
  it('agrees with Date#toISOString from year 1000 to 9999, sampled, and around leap days and 1970', () => {
    const samples = [
      Date.UTC(1000, 0, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29),
      Date.UTC(2100, 1, 28, 12),
    ];
    for (
      let epoch = Date.UTC(1000, 0, 1);
      epoch < Date.UTC(9999, 11, 31);
      epoch += 86_400_000 * 397 + 3_600_001
    ) {
      samples.push(epoch);
    }
    const disagreements = samples.filter(
      (epoch) =>
        isoDateOf(epoch) !== new Date(epoch).toISOString().slice(0, 10) ||
        isoDateTimeOf(epoch) !== new Date(epoch).toISOString().slice(0, 19),
    );

    expect(samples.length).toBeGreaterThan(8_000);
    expect(disagreements.map((epoch) => new Date(epoch).toISOString())).toEqual([]);
  });
});

describe(daysInMonth.name, () => {
  it.each([
    [2024, 2, 29],
    [2023, 2, 28],
    [1900, 2, 28],
    [2000, 2, 29],
    [2024, 4, 30],
    [2024, 12, 31],
  ])('%p-%p has %p days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});

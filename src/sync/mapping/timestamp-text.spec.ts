import { describe, expect, it } from '@jest/globals';
import { readTimestamp } from './timestamp-text.js';

describe(readTimestamp.name, () => {
  it.each([
    [
      '2024-03-01',
      { year: 2024, month: 3, day: 1, hour: 0, minute: 0, second: 0, hasTime: false, offset: undefined },
    ],
    ['2024-03-01 10:15:00', { hour: 10, minute: 15, second: 0, hasTime: true, offset: undefined }],
    ['2024-03-01T10:15:07.123456', { second: 7, hasTime: true, offset: undefined }],
    ['2024-03-01 10:15', { hour: 10, minute: 15, second: 0, offset: undefined }],
    ['2024-03-01 10:15:00.123456+00', { offset: 0 }],
    ['2024-03-01 10:15:00Z', { offset: 0 }],
    ['2024-03-01 10:15:00 +05:30', { offset: 330 }],
    ['2024-03-01 10:15:00-0300', { offset: -180 }],
    ['2024-03-01 10:15:00-03', { offset: -180 }],
    ['1890-03-01 10:15:00+02:30:17', { offset: 150 + 17 / 60 }],
    ['2024-03-01+03', { hasTime: false, offset: 180 }],
  ])('reads %p', (text, parts) => {
    expect(readTimestamp(text)).toMatchObject(parts);
  });

  it.each([
    ['2024-3-1'],
    ['01.03.2024'],
    ['2024-03-01T'],
    ['2024-03-01 10'],
    ['2024-03-01 10:1'],
    ['2024-03-01 10:15:00.'],
    ['2024-03-01 10:15:00 UTC'],
    ['2024-03-01 10:15:00+5'],
    ['2024-03-01 10:15:00+05:30:00:00'],
    ['2024-03-01 BC'],
    ['infinity'],
    [''],
  ])('refuses %p', (text) => {
    expect(readTimestamp(text)).toBeUndefined();
  });
});

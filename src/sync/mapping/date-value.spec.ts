import { describe, expect, it } from '@jest/globals';
import { epochOfDateTime, toDate, toDateTime, type DateZones } from './date-value.js';
import { InvalidValue, MappingErrorCode } from './mapped-payload.js';

const utc: DateZones = { read: 'UTC', write: 'UTC' };
const utcToMoscow: DateZones = { read: 'UTC', write: 'Europe/Moscow' };
const berlin: DateZones = { read: 'Europe/Berlin', write: 'Europe/Berlin' };

describe(toDate.name, () => {
  it.each([
    ['2024-03-01', utc, '2024-03-01'],
    ['2024-03-01', utcToMoscow, '2024-03-01'],
    ['2024-03-01 22:30:00', utc, '2024-03-01'],
    ['2024-03-01 22:30:00', utcToMoscow, '2024-03-02'],
    ['2024-03-01 20:59:59.999999', utcToMoscow, '2024-03-01'],
    ['2024-03-01T10:15:00.123456', utc, '2024-03-01'],
    ['2024-03-01 23:30:00+00', { read: 'UTC', write: 'Asia/Tokyo' }, '2024-03-02'],
    ['2024-03-01 01:00:00+05:30', utc, '2024-02-29'],
    ['2024-03-01 01:00:00-0300', utc, '2024-03-01'],
    ['2024-03-01 23:00:00', { read: 'America/New_York', write: 'UTC' }, '2024-03-02'],
    ['2024-02-29', utc, '2024-02-29'],
    [null, utc, null],
    ['', utc, null],
  ])('reads %p (%o) as %p', (input, zones, expected) => {
    expect(toDate(input, zones)).toBe(expected);
  });

  it.each([
    ['2024-02-30', /impossible date: 2024-02 has 29 days/],
    ['2023-02-29', /2023-02 has 28 days/],
    ['2024-13-01', /impossible month 13/],
    ['2024-04-31', /has 30 days/],
    ['2024-03-01 24:00:00', /impossible time/],
    ['01.03.2024', /not a date/],
    ['infinity', /not a date/],
    ['0099-01-01', /year before 1000/],
    [20240301, /got number/],
  ])('rejects %p', (input, rule) => {
    const result = toDate(input, utc);

    expect(result).toBeInstanceOf(InvalidValue);
    expect((result as InvalidValue).code).toBe(MappingErrorCode.InvalidDate);
    expect((result as InvalidValue).rule).toMatch(rule);
  });
});

describe(toDateTime.name, () => {
  it.each([
    ['2024-03-01 10:15:00.123456+00', utc, '2024-03-01T10:15:00+00:00'],
    ['2024-03-01 10:15:00.123456', utc, '2024-03-01T10:15:00+00:00'],
    ['2024-03-01 10:15:00', utcToMoscow, '2024-03-01T13:15:00+03:00'],
    ['2024-03-01 10:15:00+02', utcToMoscow, '2024-03-01T11:15:00+03:00'],
    ['2024-03-01T10:15:00Z', { read: 'Europe/Moscow', write: 'UTC' }, '2024-03-01T10:15:00+00:00'],
    ['2024-03-01 10:15:00', { read: 'Europe/Moscow', write: 'UTC' }, '2024-03-01T07:15:00+00:00'],
    ['2024-03-01', { read: 'Europe/Moscow', write: 'Europe/Moscow' }, '2024-03-01T00:00:00+03:00'],
    ['2024-03-01 10:15', utc, '2024-03-01T10:15:00+00:00'],
    ['2024-07-01 12:00:00', { read: 'UTC', write: 'America/New_York' }, '2024-07-01T08:00:00-04:00'],
    ['2024-01-01 12:00:00', { read: 'UTC', write: 'Asia/Kolkata' }, '2024-01-01T17:30:00+05:30'],
    ['2024-01-01 12:00:00', { read: 'UTC', write: 'Asia/Kathmandu' }, '2024-01-01T17:45:00+05:45'],
    // Lord Howe Island moves its clocks by half an hour, at 2024-04-06T15:00Z.
    ['2024-04-06 14:45:00+00', { read: 'UTC', write: 'Australia/Lord_Howe' }, '2024-04-07T01:45:00+11:00'],
    ['2024-04-06 15:15:00+00', { read: 'UTC', write: 'Australia/Lord_Howe' }, '2024-04-07T01:45:00+10:30'],
    // Clocks go forward in Berlin at 02:00 on 2024-03-31: 02:30 does not exist and moves to 03:30.
    ['2024-03-31 02:30:00', berlin, '2024-03-31T03:30:00+02:00'],
    // Clocks go back at 03:00 on 2024-10-27: 02:30 happens twice; the earlier one is taken.
    ['2024-10-27 02:30:00', berlin, '2024-10-27T02:30:00+02:00'],
    ['2024-10-27 03:30:00', berlin, '2024-10-27T03:30:00+01:00'],
    ['2024-10-27 00:30:00+00', berlin, '2024-10-27T02:30:00+02:00'],
    ['2024-10-27 01:30:00+00', berlin, '2024-10-27T02:30:00+01:00'],
  ])('reads %p (%o) as %p', (input, zones, expected) => {
    expect(toDateTime(input, zones)).toBe(expected);
  });

  it('rejects an impossible timestamp', () => {
    const result = toDateTime('2024-02-30 10:00:00', utc);

    expect(result).toBeInstanceOf(InvalidValue);
    expect((result as InvalidValue).code).toBe(MappingErrorCode.InvalidDatetime);
  });
});

describe(epochOfDateTime.name, () => {
  it.each([
    ['2024-08-30T02:00:00+02:00', Date.UTC(2024, 7, 30, 0)],
    ['2024-08-30T00:00:00Z', Date.UTC(2024, 7, 30, 0)],
    ['2024-08-30T00:00:00', undefined],
    ['garbage', undefined],
  ])('reads %p as %p', (input, expected) => {
    expect(epochOfDateTime(input)).toBe(expected);
  });
});

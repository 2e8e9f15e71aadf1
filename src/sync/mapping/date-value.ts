import { InvalidValue, MappingErrorCode, textOf, type Converted } from './mapped-payload.js';
import { daysInMonth, isoDateOf, isoDateTimeOf } from './civil-date.js';
import { readTimestamp } from './timestamp-text.js';
import { wallTimeToEpoch, zoneOffsetMinutes } from './zone-offset.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface DateZones {
  /** How to read text without a zone (`source.timezone`). */
  readonly read: string;
  /** The zone the deal's value is expressed in (`fields.X.timezone`, else `source.timezone`). */
  readonly write: string;
}

interface ParsedTimestamp {
  /** The wall-clock time as if it were UTC. */
  readonly wallMs: number;
  readonly hasTime: boolean;
  /** Minutes east of UTC when the text carries a zone. */
  readonly offset: number | undefined;
}

/** A calendar date `YYYY-MM-DD` in `zones.write`. A date without a time is taken as written. */
export function toDate(value: unknown, zones: DateZones): Converted {
  const parsed = parseTimestamp(value, MappingErrorCode.InvalidDate);
  if (parsed === null || parsed instanceof InvalidValue) {
    return parsed;
  }
  if (!parsed.hasTime || (parsed.offset === undefined && zones.read === zones.write)) {
    return isoDateOf(parsed.wallMs);
  }
  const epoch = toEpoch(parsed, zones.read);
  return isoDateOf(epoch + zoneOffsetMinutes(zones.write, epoch) * 60_000);
}

/** ISO-8601 with the offset of `zones.write`, whole seconds: `2024-03-01T13:15:00+03:00`. */
export function toDateTime(value: unknown, zones: DateZones): Converted {
  const parsed = parseTimestamp(value, MappingErrorCode.InvalidDatetime);
  if (parsed === null || parsed instanceof InvalidValue) {
    return parsed;
  }
  return formatInZone(toEpoch(parsed, zones.read), zones.write);
}

/** Epoch milliseconds of an ISO-8601 datetime with offset (as Bitrix24 prints), or undefined. */
export function epochOfDateTime(text: string): number | undefined {
  const parsed = parseTimestamp(text, MappingErrorCode.InvalidDatetime);
  if (parsed === null || parsed instanceof InvalidValue || parsed.offset === undefined) {
    return undefined;
  }
  return toEpoch(parsed, 'UTC');
}

/** A date value as Bitrix24 compares it: the first 10 characters (date fields read back as shifted midnight). */
export function dateKey(value: unknown): string | null {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  const text = textOf(value);
  return ISO_DATE.test(text.slice(0, 10)) ? text.slice(0, 10) : text;
}

function formatInZone(epochMs: number, zone: string): string {
  const offset = zoneOffsetMinutes(zone, epochMs);
  const sign = offset < 0 ? '-' : '+';
  const magnitude = Math.abs(offset);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(Math.floor(magnitude % 60)).padStart(2, '0');
  return `${isoDateTimeOf(epochMs + offset * 60_000)}${sign}${hours}:${minutes}`;
}

function toEpoch(parsed: ParsedTimestamp, readZone: string): number {
  return parsed.offset === undefined
    ? wallTimeToEpoch(readZone, parsed.wallMs)
    : parsed.wallMs - parsed.offset * 60_000;
}

function parseTimestamp(value: unknown, code: MappingErrorCode): ParsedTimestamp | InvalidValue | null {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value !== 'string') {
    return new InvalidValue(
      code,
      `expected date text like 2024-03-01 or 2024-03-01 10:15:00, got ${typeof value}`,
    );
  }
  const parts = readTimestamp(value.trim());
  if (parts === undefined) {
    return new InvalidValue(code, 'not a date (expected YYYY-MM-DD, optionally with hh:mm:ss and a zone)');
  }
  const { year, month, day, hour, minute, second } = parts;
  const problem = checkRanges(year, month, day, hour, minute, second);
  if (problem !== undefined) {
    return new InvalidValue(code, problem);
  }
  return {
    wallMs: Date.UTC(year, month - 1, day, hour, minute, second),
    hasTime: parts.hasTime,
    offset: parts.offset,
  };
}

function checkRanges(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): string | undefined {
  if (year < 1000) {
    return 'year before 1000';
  }
  if (month < 1 || month > 12) {
    return `impossible month ${month}`;
  }
  const monthDays = daysInMonth(year, month);
  if (day < 1 || day > monthDays) {
    return `impossible date: ${year}-${String(month).padStart(2, '0')} has ${monthDays} days`;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return 'impossible time of day';
  }
  return undefined;
}

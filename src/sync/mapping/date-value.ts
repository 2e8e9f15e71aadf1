import { InvalidValue, MappingErrorCode, type Converted } from './mapped-payload.js';
import { wallTimeToEpoch, zoneOffsetMinutes } from './zone-offset.js';

/**
 * Database date/timestamp text: `2024-03-01`, `2024-03-01 10:15:00[.123456]`, with `T` or a space, and an
 * optional zone `Z`, `+00`, `+05:30`, `-0300` (PostgreSQL timestamptz prints `+00`).
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/i;
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
    return isoDate(parsed.wallMs);
  }
  const epoch = toEpoch(parsed, zones.read);
  return isoDate(epoch + zoneOffsetMinutes(zones.write, epoch) * 60_000);
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
  const text = String(value).slice(0, 10);
  return ISO_DATE.test(text) ? text : String(value);
}

export function formatInZone(epochMs: number, zone: string): string {
  const offset = zoneOffsetMinutes(zone, epochMs);
  const wall = new Date(Math.floor((epochMs + offset * 60_000) / 1000) * 1000).toISOString();
  const sign = offset < 0 ? '-' : '+';
  const magnitude = Math.abs(offset);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(Math.floor(magnitude % 60)).padStart(2, '0');
  return `${wall.slice(0, 19)}${sign}${hours}:${minutes}`;
}

function toEpoch(parsed: ParsedTimestamp, readZone: string): number {
  return parsed.offset === undefined
    ? wallTimeToEpoch(readZone, parsed.wallMs)
    : parsed.wallMs - parsed.offset * 60_000;
}

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

function parseTimestamp(value: unknown, code: MappingErrorCode): ParsedTimestamp | InvalidValue | null {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value !== 'string') {
    return new InvalidValue(code, `expected date text like 2024-03-01 or 2024-03-01 10:15:00, got ${typeof value}`);
  }
  const match = TIMESTAMP.exec(value.trim());
  if (!match) {
    return new InvalidValue(code, 'not a date (expected YYYY-MM-DD, optionally with hh:mm:ss and a zone)');
  }
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const problem = checkRanges(year, month, day, hour, minute, second);
  if (problem !== undefined) {
    return new InvalidValue(code, problem);
  }
  return {
    wallMs: Date.UTC(year, month - 1, day, hour, minute, second),
    hasTime: match[4] !== undefined,
    offset: zoneOffsetOf(match),
  };
}

function zoneOffsetOf(match: RegExpExecArray): number | undefined {
  if (match[7] !== undefined) {
    return 0;
  }
  if (match[8] === undefined) {
    return undefined;
  }
  const minutes = Number(match[9]) * 60 + Number(match[10] ?? 0) + Number(match[11] ?? 0) / 60;
  return match[8] === '-' ? -minutes : minutes;
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
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) {
    return `impossible date: ${year}-${String(month).padStart(2, '0')} has ${daysInMonth} days`;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return 'impossible time of day';
  }
  return undefined;
}

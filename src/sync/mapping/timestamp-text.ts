/** The parts of database date/timestamp text, unchecked for ranges. */
export interface TimestampParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly hasTime: boolean;
  /** Minutes east of UTC when the text carries a zone. */
  readonly offset: number | undefined;
}

const DASH = 45;
const COLON = 58;
const DOT = 46;
const SPACE = 32;
const PLUS = 43;

/**
 * Reads `YYYY-MM-DD`, optionally followed by `T` or a space and `hh:mm[:ss[.fraction]]`, optionally
 * followed by a zone `Z`, `±hh`, `±hh:mm`, `±hhmm` (`±hh:mm:ss` too): what PostgreSQL and MySQL print for
 * date, timestamp, timestamptz and datetime columns. Hand-written because it runs for every date field of
 * every row. Undefined when the text has another shape.
 */
export function readTimestamp(text: string): TimestampParts | undefined {
  const end = text.length;
  if (end < 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) {
    return undefined;
  }
  let at = 10;
  let hour = 0;
  let minute = 0;
  let second = 0;
  const separator = text.charCodeAt(at);
  const hasTime =
    (separator === SPACE || (separator | 32) === 116) /* t */ && isDigit(text.charCodeAt(at + 1));
  if (hasTime) {
    hour = digits(text, at + 1, 2);
    minute = text.charCodeAt(at + 3) === COLON ? digits(text, at + 4, 2) : -1;
    at += 6;
    if (text.charCodeAt(at) === COLON) {
      second = digits(text, at + 1, 2);
      at += 3;
      if (text.charCodeAt(at) === DOT) {
        const fractionStart = ++at;
        while (isDigit(text.charCodeAt(at))) {
          at++;
        }
        second = at === fractionStart ? -1 : second;
      }
    }
    if (hour < 0 || minute < 0 || second < 0) {
      return undefined;
    }
  }
  while (text.charCodeAt(at) === SPACE) {
    at++;
  }
  const offset = readOffset(text, at, end);
  if (offset === null) {
    return undefined;
  }
  return { year, month, day, hour, minute, second, hasTime, offset };
}

/** Undefined for no zone, null for a malformed one. */
function readOffset(text: string, at: number, end: number): number | undefined | null {
  if (at === end) {
    return undefined;
  }
  const sign = text.charCodeAt(at);
  if ((sign | 32) === 122 /* z */) {
    return at + 1 === end ? 0 : null;
  }
  if (sign !== PLUS && sign !== DASH) {
    return null;
  }
  const parts: number[] = [];
  let cursor = at + 1;
  while (cursor < end && parts.length < 3) {
    if (parts.length > 0 && text.charCodeAt(cursor) === COLON) {
      cursor++;
    }
    const part = digits(text, cursor, 2);
    if (part < 0) {
      return null;
    }
    parts.push(part);
    cursor += 2;
  }
  if (cursor !== end || parts.length === 0) {
    return null;
  }
  const minutes = parts[0] * 60 + (parts[1] ?? 0) + (parts[2] ?? 0) / 60;
  return sign === DASH ? -minutes : minutes;
}

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) {
      return -1;
    }
    value = value * 10 + (code - 48);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

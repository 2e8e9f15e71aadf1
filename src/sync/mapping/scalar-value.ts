import { unstorableTextReason } from '../../erp/storable-text.js';
import { InvalidValue, MappingErrorCode, textOf, type Converted } from './mapped-payload.js';

const TRUE_WORDS = new Set(['y', 'yes', 't', 'true', '1', 'on']);
const FALSE_WORDS = new Set(['n', 'no', 'f', 'false', '0', 'off']);
const INTEGER = /^([+-]?)0*(\d+?)(?:\.0*)?$/;

/** `Y`/`N` from booleans, 1/0 and the words y/yes/t/true/1/on and n/no/f/false/0/off (any case). */
export function toBoolean(value: unknown): Converted {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value === 'boolean') {
    return value ? 'Y' : 'N';
  }
  if (value === 1 || value === 0) {
    return value === 1 ? 'Y' : 'N';
  }
  const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) {
    return 'Y';
  }
  if (word !== undefined && FALSE_WORDS.has(word)) {
    return 'N';
  }
  return new InvalidValue(
    MappingErrorCode.InvalidBoolean,
    'not a boolean (expected true/false, 1/0, t/f, y/n, yes/no or on/off)',
  );
}

/**
 * A whole number: a JS number while exact, else its digit text (bigint columns arrive as text).
 * `"12.00"` is accepted as 12; `"12.5"` is not.
 */
export function toInteger(value: unknown): Converted {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isSafeInteger(value)
      ? value + 0
      : new InvalidValue(MappingErrorCode.InvalidInteger, 'not a whole number within ±2^53');
  }
  if (typeof value !== 'string') {
    return new InvalidValue(MappingErrorCode.InvalidInteger, `expected a whole number, got ${typeof value}`);
  }
  const match = INTEGER.exec(value.trim());
  if (!match) {
    return new InvalidValue(MappingErrorCode.InvalidInteger, 'not a whole number');
  }
  const digits = match[2];
  const negative = match[1] === '-' && digits !== '0';
  const number = Number(digits);
  if (Number.isSafeInteger(number)) {
    return negative ? -number : number;
  }
  return negative ? `-${digits}` : digits;
}

export interface TextOptions {
  /** Characters (Unicode code points) the field holds; undefined for no limit. */
  readonly maxLength: number | undefined;
  /** Cut an over-long value to maxLength, else fail the row. */
  readonly truncate: boolean;
}

/**
 * Text as is (numbers and booleans printed); empty text is empty. Never splits a surrogate pair. Text with a
 * NUL byte or a lone surrogate fails: it would fail the whole page's insert into the outbox, not just its row.
 */
export function toText(value: unknown, options: TextOptions): Converted {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value === 'object') {
    return new InvalidValue(MappingErrorCode.InvalidString, 'expected text, got an object');
  }
  const text = textOf(value);
  const unstorable = unstorableTextReason(text);
  if (unstorable !== undefined) {
    return new InvalidValue(MappingErrorCode.UnstorableText, unstorable);
  }
  const limit = options.maxLength;
  if (limit === undefined || text.length <= limit) {
    return text;
  }
  const codePoints = Array.from(text);
  if (codePoints.length <= limit) {
    return text;
  }
  if (!options.truncate) {
    return new InvalidValue(
      MappingErrorCode.TooLong,
      `${codePoints.length} characters, more than maxLength ${limit} (truncate is off)`,
    );
  }
  return codePoints.slice(0, limit).join('');
}

import { InvalidValue, MappingErrorCode, type Converted } from './mapped-payload.js';

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const CANONICAL_MONEY = /^-?(?:0|[1-9]\d*)\.\d\d$/;
/** Beyond this a float-backed OPPORTUNITY cannot hold cents exactly anyway. */
const MAX_INTEGER_DIGITS = 18;
const MAX_EXPONENT = 40;
/** Digit strings up to this length are exact as a JS number. */
const SAFE_DIGITS = 15;

const invalid = (rule: string) => new InvalidValue(MappingErrorCode.InvalidMoney, rule);

/**
 * A money amount as Bitrix24 stores it: a decimal string with exactly 2 places, rounded half away from
 * zero with digit arithmetic (never through a float), e.g. `"1000.5"` → `"1000.50"`, `"2.345"` → `"2.35"`.
 * Accepts database decimal text, JS numbers (taken by their shortest decimal form, so `0.1 + 0.2` → `"0.30"`)
 * and exponent notation (`"1e3"` → `"1000.00"`). Rejects a decimal comma, thousands separators, currency
 * signs, NaN and Infinity. Empty text and NULL are empty.
 */
export function toMoney(value: unknown): Converted {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? moneyFromText(String(value)) : invalid('not a finite number');
  }
  if (typeof value !== 'string') {
    return invalid(`expected a decimal number, got ${typeof value}`);
  }
  if (CANONICAL_MONEY.test(value)) {
    return value === '-0.00' ? '0.00' : value;
  }
  const text = value.trim();
  return text === '' ? null : moneyFromText(text);
}

function moneyFromText(text: string): Converted {
  const match = DECIMAL.exec(text);
  if (!match) {
    return invalid(describeNonDecimal(text));
  }
  const [, sign, integerDigits = '', fractionDigits = '', exponentText] = match;
  if (integerDigits === '' && fractionDigits === '') {
    return invalid('no digits');
  }
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) {
    return invalid(`exponent out of range (at most ±${MAX_EXPONENT})`);
  }
  const [whole, fraction] = shiftPoint(integerDigits, fractionDigits, exponent);
  const significantWhole = whole.replace(/^0+/, '');
  if (significantWhole.length > MAX_INTEGER_DIGITS) {
    return invalid(`more than ${MAX_INTEGER_DIGITS} digits before the decimal point`);
  }
  return formatCents(roundToCents(significantWhole, fraction), sign === '-');
}

/**
 * An exact decimal (a quantity, a rate) as canonical text: no rounding, no float, leading and trailing zeros
 * dropped (`"002.500"` → `"2.5"`, `1e3` → `"1000"`), so equal numbers hash alike. Same input rules as money.
 */
export function toDecimal(value: unknown): Converted {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? decimalFromText(String(value)) : invalidDecimal('not a finite number');
  }
  if (typeof value !== 'string') {
    return invalidDecimal(`expected a decimal number, got ${typeof value}`);
  }
  const text = value.trim();
  return text === '' ? null : decimalFromText(text);
}

const invalidDecimal = (rule: string) => new InvalidValue(MappingErrorCode.InvalidDecimal, rule);

function decimalFromText(text: string): Converted {
  const match = DECIMAL.exec(text);
  if (!match) {
    return invalidDecimal(describeNonDecimal(text));
  }
  const [, sign, integerDigits = '', fractionDigits = '', exponentText] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (integerDigits === '' && fractionDigits === '') {
    return invalidDecimal('no digits');
  }
  if (Math.abs(exponent) > MAX_EXPONENT) {
    return invalidDecimal(`exponent out of range (at most ±${MAX_EXPONENT})`);
  }
  const [whole, fraction] = shiftPoint(integerDigits, fractionDigits, exponent);
  const digits = whole.replace(/^0+/, '') || '0';
  const decimals = fraction.replace(/0+$/, '');
  const magnitude = decimals === '' ? digits : `${digits}.${decimals}`;
  return sign === '-' && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

function describeNonDecimal(text: string): string {
  if (/^[+-]?\d+,\d+$/.test(text)) {
    return 'decimal comma is not accepted; use a point (12.50) or convert it in the source query';
  }
  if (/^(?:nan|[+-]?inf(?:inity)?)$/i.test(text)) {
    return 'not a finite number';
  }
  return 'not a decimal number (digits with an optional "." and no separators or currency signs)';
}

/** Moves the decimal point by `exponent` places over the digit strings. */
function shiftPoint(whole: string, fraction: string, exponent: number): [string, string] {
  if (exponent === 0) {
    return [whole, fraction];
  }
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) {
    return ['0', '0'.repeat(-point) + digits];
  }
  if (point >= digits.length) {
    return [digits + '0'.repeat(point - digits.length), ''];
  }
  return [digits.slice(0, point), digits.slice(point)];
}

/** Whole cents as a digit string, half away from zero (the magnitude is rounded half up). */
function roundToCents(whole: string, fraction: string): string {
  const cents = `${whole}${fraction.slice(0, 2).padEnd(2, '0')}`;
  const roundUp = fraction.length > 2 && fraction.charCodeAt(2) >= 53; /* '5' */
  if (cents.length <= SAFE_DIGITS) {
    return String(Number(cents) + (roundUp ? 1 : 0));
  }
  return (BigInt(cents) + (roundUp ? 1n : 0n)).toString();
}

function formatCents(cents: string, negative: boolean): string {
  const padded = cents.padStart(3, '0');
  const amount = `${padded.slice(0, -2)}.${padded.slice(-2)}`;
  return negative && amount !== '0.00' ? `-${amount}` : amount;
}

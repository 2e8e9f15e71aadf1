import type { FieldType } from '../../config/mapping.schema.js';
import { isoDateTimeOf } from './civil-date.js';
import { dateKey, epochOfDateTime, toDate, toDateTime, type DateZones } from './date-value.js';
import { InvalidValue, textOf, type Converted, type PayloadValue } from './mapped-payload.js';
import { toDecimal, toMoney } from './money-value.js';
import { toBoolean, toInteger, toText, type TextOptions } from './scalar-value.js';

export interface ConversionOptions {
  readonly zones: DateZones;
  readonly text: TextOptions;
}

/** Converts one source value to the field's Bitrix24 form, or says which rule it broke. */
export function convertValue(type: FieldType, value: unknown, options: ConversionOptions): Converted {
  switch (type) {
    case 'string':
    case 'multi':
      return toText(value, options.text);
    case 'money':
      return toMoney(value);
    case 'decimal':
      return toDecimal(value);
    case 'date':
      return toDate(value, options.zones);
    case 'datetime':
      return toDateTime(value, options.zones);
    case 'boolean':
      return toBoolean(value);
    case 'integer':
      return toInteger(value);
  }
}

/**
 * A value as Bitrix24 means it, for hashing and comparing: money with 2 places, the date's first 10
 * characters (date fields read back as shifted midnight, bitrix24-api.md §6.2), a datetime as its UTC
 * instant, Y/N, integer digits; empty text is null. Values that do not convert compare as their text.
 */
export function canonicalValue(type: FieldType, value: unknown): PayloadValue {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  switch (type) {
    case 'string':
      return textOf(value);
    case 'multi':
      // The portal trims a multi-field value (and drops an empty one).
      return textOf(value).trim() || null;
    case 'money':
      return orText(toMoney(value), value);
    case 'decimal':
      return orText(toDecimal(value), value);
    case 'date':
      return dateKey(value);
    case 'datetime':
      return canonicalDateTime(value);
    case 'boolean':
      return orText(toBoolean(value), value);
    case 'integer': {
      const integer = toInteger(value);
      return integer instanceof InvalidValue ? textOf(value) : String(integer);
    }
  }
}

/** Whether a deal field holds nothing, in Bitrix24's terms (an unset OPPORTUNITY reads back as `0.00`). */
export function isEmptyFieldValue(type: FieldType, value: unknown): boolean {
  const canonical = canonicalValue(type, value);
  return canonical === null || (type === 'money' && canonical === '0.00');
}

/** Whether two values are the same in Bitrix24's terms (`"100"` and `"100.00"` as money, and so on). */
export function sameFieldValue(type: FieldType, left: unknown, right: unknown): boolean {
  return (
    canonicalValue(type, left) === canonicalValue(type, right) ||
    (isEmptyFieldValue(type, left) && isEmptyFieldValue(type, right))
  );
}

function canonicalDateTime(value: unknown): PayloadValue {
  const text = textOf(value);
  const epoch = epochOfDateTime(text);
  return epoch === undefined ? text : `${isoDateTimeOf(epoch)}Z`;
}

function orText(converted: Converted, value: unknown): PayloadValue {
  return converted instanceof InvalidValue ? textOf(value) : converted;
}

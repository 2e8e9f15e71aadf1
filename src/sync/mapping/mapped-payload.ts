import type { FieldType } from '../../config/mapping.schema.js';
import type { RowError } from '../../erp/erp-row.js';

/**
 * One Bitrix24 field value as the mapping produces it, already in Bitrix24's terms: money `"1234.50"`,
 * date `"2024-03-01"`, datetime `"2024-03-01T13:15:00+03:00"`, boolean `"Y"`/`"N"`, integers as numbers
 * (text beyond 2^53), strings as is. `null` means empty.
 */
export type PayloadValue = string | number | null;

/** The Bitrix24 fields one ERP row maps to, including ORIGINATOR_ID, ORIGIN_ID and CATEGORY_ID. */
export type DealPayload = Readonly<Record<string, PayloadValue>>;

export type MappingResult =
  { readonly ok: true; readonly payload: DealPayload } | { readonly ok: false; readonly error: RowError };

/** Bitrix24 field name → the type its values are compared and hashed as. */
export type FieldTypes = Readonly<Record<string, FieldType>>;

/** Fields the sync sets itself (DESIGN §3 invariant 1); never taken from `fields`. */
export const IDENTITY_FIELD_TYPES: FieldTypes = {
  ORIGINATOR_ID: 'string',
  ORIGIN_ID: 'string',
  CATEGORY_ID: 'integer',
};

/** Every mapping row error code starts with this. */
export const MAPPING_ERROR_PREFIX = 'MAPPING_';

/** Row error codes produced by mapping evaluation. */
export enum MappingErrorCode {
  MissingColumn = 'MAPPING_MISSING_COLUMN',
  InvalidMoney = 'MAPPING_INVALID_MONEY',
  InvalidDecimal = 'MAPPING_INVALID_DECIMAL',
  InvalidDate = 'MAPPING_INVALID_DATE',
  InvalidDatetime = 'MAPPING_INVALID_DATETIME',
  InvalidBoolean = 'MAPPING_INVALID_BOOLEAN',
  InvalidInteger = 'MAPPING_INVALID_INTEGER',
  InvalidString = 'MAPPING_INVALID_STRING',
  TooLong = 'MAPPING_TOO_LONG',
  /** Text the state database cannot store and the portal cannot receive intact (a NUL byte, a lone surrogate). */
  UnstorableText = 'MAPPING_UNSTORABLE_TEXT',
  UnmappedValue = 'MAPPING_UNMAPPED_VALUE',
}

/** A converter's refusal: returned (not thrown) so a bad value costs no stack trace. */
export class InvalidValue {
  constructor(
    readonly code: MappingErrorCode,
    /** The rule the value broke, e.g. `decimal comma is not accepted`. */
    readonly rule: string,
  ) {}
}

export type Converted = PayloadValue | InvalidValue;

/** Any value as text: objects (a multi-value live field) as JSON, never `[object Object]`. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value) ?? typeof value;
}

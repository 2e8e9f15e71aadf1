import { isPhpArray, phpEntries, phpStrval } from './php-query.js';
import { RestError } from './rest-error.js';

/**
 * CRM multi-fields of companies and contacts (`crm_multifield`, bitrix24-api.md §5b): every value is
 * its own record with a portal-wide `ID`. On update an item with `ID` changes that value and one with
 * `DELETE: 'Y'` or an empty `VALUE` removes it; an item without `ID` is **added**, so re-sending
 * `[{VALUE, VALUE_TYPE}]` on every update piles up duplicates, exactly as the real portal does.
 */
export const MULTI_FIELD_TYPES = ['PHONE', 'EMAIL', 'WEB', 'IM', 'LINK'] as const;
export type MultiFieldType = (typeof MULTI_FIELD_TYPES)[number];

export interface MultiValue {
  id: number;
  typeId: MultiFieldType;
  valueType: string;
  value: string;
}

/** How `crm.*.get` prints one value. */
export interface PrintedMultiValue {
  ID: string;
  VALUE_TYPE: string;
  VALUE: string;
  TYPE_ID: MultiFieldType;
}

/** The raw client items per multi-field present in `fields`; other keys are not multi-fields. */
export type MultiInput = Partial<Record<MultiFieldType, Array<Record<string, unknown>>>>;

const DEFAULT_VALUE_TYPE: Record<MultiFieldType, string> = {
  PHONE: 'WORK',
  EMAIL: 'WORK',
  WEB: 'WORK',
  IM: 'OTHER',
  LINK: 'USER',
};

const VALUE_TYPE_LABELS: Record<string, string> = {
  WORK: 'Work',
  HOME: 'Home',
  MAILING: 'Newsletter',
  OTHER: 'Other',
};

/** The server's e-mail check is permissive; this mirrors its shape (local@domain.tld, no spaces). */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;

export function isMultiFieldType(name: string): name is MultiFieldType {
  return (MULTI_FIELD_TYPES as readonly string[]).includes(name);
}

/** Picks the multi-field keys out of `fields` in their order; a non-array value is ignored like the REST proxy does. */
export function readMultiInput(fields: Record<string, unknown>): MultiInput {
  const input: MultiInput = {};
  for (const [type, raw] of Object.entries(fields)) {
    if (isMultiFieldType(type) && isPhpArray(raw)) {
      input[type] = phpEntries(raw)
        .map(([, item]) => item)
        .filter(isPhpArray)
        .map((item) => Object.fromEntries(phpEntries(item)));
    }
  }
  return input;
}

/**
 * Applies client items to a record's current values. On add every item is new (an `ID` is ignored);
 * an invalid e-mail refuses the whole write (`ERROR_CORE`, bitrix24-api.md §2.3).
 */
export function applyMultiInput(
  current: readonly MultiValue[],
  input: MultiInput,
  mode: 'add' | 'update',
  allocateId: () => number,
): MultiValue[] {
  const next = current.map((value) => ({ ...value }));
  for (const type of Object.keys(input).filter(isMultiFieldType)) {
    for (const item of input[type] ?? []) {
      const value = phpStrval(item.VALUE ?? '').trim();
      const valueType = phpStrval(item.VALUE_TYPE ?? '').toUpperCase();
      const existing = mode === 'update' ? findOwn(next, type, item.ID) : -1;
      if (existing >= 0) {
        const remove = phpStrval(item.DELETE).toUpperCase() === 'Y' || value === '';
        if (remove) {
          next.splice(existing, 1);
          continue;
        }
        const old = next[existing];
        const changed = { ...old, value, valueType: valueType === '' ? old.valueType : valueType };
        validate(type, changed);
        next[existing] = changed;
      } else if (value !== '' && (mode === 'add' || item.ID === undefined)) {
        const added: MultiValue = {
          id: 0,
          typeId: type,
          valueType: valueType === '' ? DEFAULT_VALUE_TYPE[type] : valueType,
          value,
        };
        validate(type, added);
        next.push({ ...added, id: allocateId() });
      }
    }
  }
  return next;
}

function findOwn(values: readonly MultiValue[], type: MultiFieldType, rawId: unknown): number {
  if (rawId === undefined || rawId === null) {
    return -1;
  }
  const id = Number(rawId);
  return values.findIndex((value) => value.id === id && value.typeId === type);
}

function validate(type: MultiFieldType, value: MultiValue): void {
  if (type === 'EMAIL' && !EMAIL.test(value.value)) {
    const label = VALUE_TYPE_LABELS[value.valueType] ?? value.valueType;
    throw new RestError('ERROR_CORE', `The field "${label} e-mail" contains an invalid address`);
  }
}

/** Values grouped by field in `crm.*.get` shape; fields without values are absent (docs: only non-null). */
export function printMultiValues(
  values: readonly MultiValue[],
  only?: ReadonlySet<string>,
): Partial<Record<MultiFieldType, PrintedMultiValue[]>> {
  const out: Partial<Record<MultiFieldType, PrintedMultiValue[]>> = {};
  for (const value of values) {
    if (only !== undefined && !only.has(value.typeId)) {
      continue;
    }
    (out[value.typeId] ??= []).push({
      ID: String(value.id),
      VALUE_TYPE: value.valueType,
      VALUE: value.value,
      TYPE_ID: value.typeId,
    });
  }
  return out;
}

import type { CrmFields, CrmRecord } from './crm-entity.types.js';

/** Multi-fields a write sets, each with the value type it owns: `{ EMAIL: 'WORK' }`. */
export type MultiFieldTypes = Readonly<Record<string, string>>;

interface PortalMultiValue {
  readonly ID: string;
  readonly VALUE: string;
  readonly VALUE_TYPE: string;
}

/** Every multi-field a company or contact has (bitrix24-api.md §5b); `list` returns them only when selected. */
export const MULTI_FIELD_NAMES = ['EMAIL', 'PHONE', 'WEB', 'IM', 'LINK'] as const;

/**
 * A create's fields with each multi-field as the portal takes it: `[{VALUE, VALUE_TYPE}]`, or left out when
 * empty (a scalar sent to a multi-field is refused, an empty list adds nothing).
 */
export function multiItemsForAdd(fields: CrmFields, multi: MultiFieldTypes): CrmFields {
  const out: Record<string, CrmFields[string]> = { ...fields };
  for (const [name, valueType] of Object.entries(multi)) {
    const value = textValue(fields[name]);
    delete out[name];
    if (value !== '') {
      out[name] = [{ VALUE: value, VALUE_TYPE: valueType }];
    }
  }
  return out;
}

/**
 * An update's fields with each multi-field rewritten against the record's current values: the value of the
 * owned type is changed in place by its `ID` (or removed with `DELETE: 'Y'` when the ERP value is empty),
 * and added only when the record has none. An item without `ID` is always added by the portal, so
 * re-sending `[{VALUE}]` would pile up duplicates (bitrix24-api.md §5b). Values of other types, added by
 * hand, are left alone.
 */
export function multiItemsForUpdate(
  fields: CrmFields,
  multi: MultiFieldTypes,
  current: CrmRecord | null,
): CrmFields {
  const out: Record<string, CrmFields[string]> = { ...fields };
  for (const [name, valueType] of Object.entries(multi)) {
    if (!(name in fields)) {
      continue;
    }
    delete out[name];
    const value = textValue(fields[name]);
    const existing = valuesOf(current?.[name]).find((item) => item.VALUE_TYPE === valueType);
    if (existing === undefined) {
      if (value !== '') {
        out[name] = [{ VALUE: value, VALUE_TYPE: valueType }];
      }
    } else if (value === '') {
      out[name] = [{ ID: existing.ID, DELETE: 'Y' }];
    } else if (existing.VALUE !== value) {
      out[name] = [{ ID: existing.ID, VALUE: value, VALUE_TYPE: valueType }];
    }
  }
  return out;
}

/** The value of the owned type a record holds for a multi-field, as text ('' when it has none). */
export function ownedMultiValue(live: unknown, valueType: string): string {
  return valuesOf(live).find((item) => item.VALUE_TYPE === valueType)?.VALUE ?? '';
}

function valuesOf(live: unknown): PortalMultiValue[] {
  return Array.isArray(live) ? live.filter(isMultiValue) : [];
}

function isMultiValue(item: unknown): item is PortalMultiValue {
  return typeof item === 'object' && item !== null && 'ID' in item && 'VALUE' in item;
}

function textValue(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

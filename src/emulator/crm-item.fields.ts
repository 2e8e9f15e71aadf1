import type { CrmFieldDef, CrmFieldMap, StoredRecord, StoredValue } from './deal-fields.js';
import { formatDateOnly, formatDateTime, type PortalOffset } from './portal-time.js';

/**
 * `crm.item.*` names and typed values for deals (entityTypeId 2, bitrix24-api.md §5.10): camelCase
 * field names, JSON numbers for ids and money, `ufCrm…` user fields unless `useOriginalUfNames=Y`.
 */
const SPECIAL_NAMES: Record<string, string> = {
  CREATED_BY_ID: 'createdBy',
  MODIFY_BY_ID: 'updatedBy',
  MOVED_BY_ID: 'movedBy',
  DATE_CREATE: 'createdTime',
  DATE_MODIFY: 'updatedTime',
  BEGINDATE: 'begindate',
  CLOSEDATE: 'closedate',
};

const NUMERIC_TYPES = new Set([
  'integer',
  'user',
  'crm_category',
  'crm_company',
  'crm_contact',
  'crm_lead',
  'crm_quote',
]);

export function itemFieldName(field: CrmFieldDef, originalUfNames: boolean): string {
  if (field.userField) {
    return originalUfNames ? field.name : camel(field.name).replace(/^ufCrm(?=\d)/, 'ufCrm_');
  }
  return SPECIAL_NAMES[field.name] ?? camel(field.name);
}

function camel(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

export class ItemFieldNames {
  readonly #toUpper = new Map<string, string>();
  readonly #defs: Array<{ field: CrmFieldDef; name: string }>;

  constructor(fields: CrmFieldMap, originalUfNames: boolean) {
    this.#defs = fields.fields.map((field) => ({ field, name: itemFieldName(field, originalUfNames) }));
    for (const { field, name } of this.#defs) {
      this.#toUpper.set(name, field.name);
    }
  }

  upper(itemName: string): string | undefined {
    return this.#toUpper.get(itemName);
  }

  /** Item-style input keys → crm.deal-style keys; unknown keys are dropped like the server does. */
  toDealInput(input: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      const upper = this.#toUpper.get(key);
      if (upper !== undefined) {
        out[upper] = value;
      }
    }
    return out;
  }

  toItem(deal: StoredRecord, offset: PortalOffset, only?: ReadonlySet<string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { field, name } of this.#defs) {
      if (only === undefined || only.has(field.name)) {
        out[name] = typedValue(field, deal[field.name] ?? null, offset);
      }
    }
    return out;
  }
}

function typedValue(field: CrmFieldDef, value: StoredValue, offset: PortalOffset): unknown {
  if (Array.isArray(value)) {
    return value;
  }
  if (value === null) {
    return field.multiple ? [] : null;
  }
  if (NUMERIC_TYPES.has(field.type) || field.type === 'double') {
    return Number(value);
  }
  if (field.type === 'date') {
    return formatDateOnly(String(value), offset);
  }
  return field.type === 'datetime' ? formatDateTime(Number(value), offset) : value;
}

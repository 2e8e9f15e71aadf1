import { isPhpArray, phpEntries, phpFloatval, phpIntval, phpRound, phpStrval } from './php-query.js';
import {
  formatDateOnly,
  formatDateTime,
  parsePortalDate,
  parsePortalInstant,
  type PortalOffset,
} from './portal-time.js';

/**
 * A CRM entity's field map (deals: bitrix24-api.md §6.1; companies and contacts: client-fields.ts) and
 * the conversions between what a client sends, what is stored and what the API prints. Field names are
 * exact upper-case keys; anything else is silently dropped, like the server's `internalizeFields` (§6.3).
 */
export type CrmFieldType =
  | 'integer'
  | 'string'
  | 'char'
  | 'double'
  | 'date'
  | 'datetime'
  | 'crm_status'
  | 'crm_category'
  | 'crm_currency'
  | 'crm_company'
  | 'crm_contact'
  | 'crm_lead'
  | 'crm_quote'
  | 'user'
  | 'location';

export interface CrmFieldDef {
  name: string;
  type: CrmFieldType;
  title: string;
  readOnly?: boolean;
  immutable?: boolean;
  multiple?: boolean;
  statusType?: string;
  /** Accepted on write, never printed by crm.deal.get/list (CONTACT_IDS, §6.1). */
  writeOnly?: boolean;
  userField?: boolean;
}

/** Stored values: numbers for ids/money, epoch ms for datetimes, 'YYYY-MM-DD' for dates. */
export type StoredValue = string | number | number[] | null;
export type StoredRecord = Record<string, StoredValue>;
/** A deal as `crm.deal.get` prints it. */
export type Deal = Record<string, string | null>;

const f = (
  name: string,
  type: CrmFieldType,
  title: string,
  extra: Partial<CrmFieldDef> = {},
): CrmFieldDef => ({
  name,
  type,
  title,
  ...extra,
});
const RO = { readOnly: true };

export const SYSTEM_DEAL_FIELDS: readonly CrmFieldDef[] = [
  f('ID', 'integer', 'ID', RO),
  f('TITLE', 'string', 'Name'),
  f('TYPE_ID', 'crm_status', 'Type', { statusType: 'DEAL_TYPE' }),
  f('STAGE_ID', 'crm_status', 'Stage', { statusType: 'DEAL_STAGE' }),
  f('PROBABILITY', 'integer', 'Probability'),
  f('CURRENCY_ID', 'crm_currency', 'Currency'),
  f('OPPORTUNITY', 'double', 'Amount'),
  f('IS_MANUAL_OPPORTUNITY', 'char', 'IS_MANUAL_OPPORTUNITY'),
  f('TAX_VALUE', 'double', 'Tax rate'),
  f('LEAD_ID', 'crm_lead', 'Lead', RO),
  f('COMPANY_ID', 'crm_company', 'Company'),
  f('CONTACT_ID', 'crm_contact', 'Contact'),
  f('CONTACT_IDS', 'crm_contact', 'Contacts', { multiple: true, writeOnly: true }),
  f('QUOTE_ID', 'crm_quote', 'Quote', RO),
  f('BEGINDATE', 'date', 'Start date'),
  f('CLOSEDATE', 'date', 'End date'),
  f('ASSIGNED_BY_ID', 'user', 'Responsible person'),
  f('CREATED_BY_ID', 'user', 'Created by', RO),
  f('MODIFY_BY_ID', 'user', 'Modified by', RO),
  f('DATE_CREATE', 'datetime', 'Created on', RO),
  f('DATE_MODIFY', 'datetime', 'Modified on', RO),
  f('OPENED', 'char', 'Available to everyone'),
  f('CLOSED', 'char', 'Closed'),
  f('COMMENTS', 'string', 'Comment'),
  f('ADDITIONAL_INFO', 'string', 'Additional information'),
  f('LOCATION_ID', 'location', 'Location'),
  f('CATEGORY_ID', 'crm_category', 'Pipeline', { immutable: true }),
  f('STAGE_SEMANTIC_ID', 'string', 'Stage group', RO),
  f('IS_NEW', 'char', 'New deal', RO),
  f('IS_RECURRING', 'char', 'Recurring deal'),
  f('IS_RETURN_CUSTOMER', 'char', 'Repeat deal', RO),
  f('IS_REPEATED_APPROACH', 'char', 'Repeat inquiry', RO),
  f('SOURCE_ID', 'crm_status', 'Source', { statusType: 'SOURCE' }),
  f('SOURCE_DESCRIPTION', 'string', 'Source information'),
  f('ORIGINATOR_ID', 'string', 'External source'),
  f('ORIGIN_ID', 'string', 'Item ID in data source'),
  f('MOVED_BY_ID', 'user', 'Stage changed by', RO),
  f('MOVED_TIME', 'datetime', 'Stage changed on', RO),
  f('LAST_ACTIVITY_TIME', 'datetime', 'Last activity', RO),
  f('UTM_SOURCE', 'string', 'Ad system'),
  f('UTM_MEDIUM', 'string', 'Medium'),
  f('UTM_CAMPAIGN', 'string', 'Ad campaign UTM'),
  f('UTM_CONTENT', 'string', 'Campaign contents'),
  f('UTM_TERM', 'string', 'Campaign search term'),
  f('LAST_ACTIVITY_BY', 'user', 'Last activity by', RO),
];

/** Writable on add only with `params[IMPORT]` (bitrix24-api.md §5.3). */
const IMPORT_FIELDS = new Set(['DATE_CREATE', 'DATE_MODIFY', 'CREATED_BY_ID', 'MODIFY_BY_ID']);

export class CrmFieldMap {
  readonly fields: readonly CrmFieldDef[];
  readonly #byName: ReadonlyMap<string, CrmFieldDef>;

  constructor(userFields: readonly string[], systemFields: readonly CrmFieldDef[] = SYSTEM_DEAL_FIELDS) {
    for (const name of userFields) {
      if (!/^UF_CRM_[A-Z0-9_]+$/.test(name)) {
        throw new RangeError(`userFields entries must look like UF_CRM_NAME, got '${name}'`);
      }
    }
    const uf = userFields.map((name) => f(name, 'string', name, { userField: true }));
    this.fields = [...systemFields, ...uf];
    this.#byName = new Map(this.fields.map((field) => [field.name, field]));
  }

  get(name: string): CrmFieldDef | undefined {
    return this.#byName.get(name);
  }

  get userFields(): CrmFieldDef[] {
    return this.fields.filter((field) => field.userField === true);
  }

  /**
   * Client input → stored values. Unknown, wrong-case, read-only and (on update) immutable keys and
   * unparsable dates are dropped without error (bitrix24-api.md §6.3).
   */
  internalize(
    input: Record<string, unknown>,
    mode: 'add' | 'update',
    offset: PortalOffset,
    isImport = false,
  ): StoredRecord {
    const out: StoredRecord = {};
    for (const [name, raw] of phpEntries(input)) {
      const field = this.#byName.get(name);
      const writable =
        field !== undefined &&
        (!field.readOnly || (mode === 'add' && isImport && IMPORT_FIELDS.has(name))) &&
        !(mode === 'update' && field.immutable);
      if (!writable) {
        continue;
      }
      const value = internalizeValue(field, raw, offset);
      if (value !== undefined) {
        out[name] = value;
      }
    }
    return out;
  }

  /** Stored deal → the string-valued object crm.deal.get prints (`null` for empty). */
  externalize(deal: StoredRecord, offset: PortalOffset, only?: ReadonlySet<string>): Deal {
    const out: Deal = {};
    for (const field of this.fields) {
      if (field.writeOnly || (only !== undefined && !only.has(field.name))) {
        continue;
      }
      out[field.name] = externalizeValue(field, deal[field.name] ?? null, offset);
    }
    return out;
  }
}

function internalizeValue(field: CrmFieldDef, raw: unknown, offset: PortalOffset): StoredValue | undefined {
  if (field.multiple) {
    const items = isPhpArray(raw) ? phpEntries(raw).map(([, item]) => item) : [raw];
    return items.map(phpIntval).filter((id) => id > 0);
  }
  if (raw === null || raw === '' || raw === undefined) {
    return null;
  }
  switch (field.type) {
    case 'integer':
    case 'user':
    case 'crm_category':
    case 'crm_company':
    case 'crm_contact':
    case 'crm_lead':
    case 'crm_quote':
      return phpIntval(raw);
    case 'double':
      return phpRound(phpFloatval(raw), 2);
    case 'date':
      return parsePortalDate(phpStrval(raw), offset);
    case 'datetime': {
      const instant = parsePortalInstant(phpStrval(raw), offset);
      return instant === undefined ? undefined : Math.floor(instant / 1000) * 1000;
    }
    case 'string':
    case 'char':
    case 'crm_status':
    case 'crm_currency':
    case 'location':
      return phpStrval(raw);
  }
}

function externalizeValue(field: CrmFieldDef, value: StoredValue, offset: PortalOffset): string | null {
  if (value === null || Array.isArray(value)) {
    return null;
  }
  switch (field.type) {
    case 'double':
      return Number(value).toFixed(2);
    case 'date':
      return formatDateOnly(String(value), offset);
    case 'datetime':
      return formatDateTime(Number(value), offset);
    case 'integer':
    case 'string':
    case 'char':
    case 'crm_status':
    case 'crm_category':
    case 'crm_currency':
    case 'crm_company':
    case 'crm_contact':
    case 'crm_lead':
    case 'crm_quote':
    case 'user':
    case 'location':
      return String(value);
  }
}

export { f as crmField, RO as READ_ONLY };

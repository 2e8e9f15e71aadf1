import type { CrmFieldDef, CrmFieldMap, StoredRecord, StoredValue } from './deal-fields.js';
import { isPhpArray, phpEntries, phpFloatval, phpIntval, phpStrval } from './php-query.js';
import { parsePortalDate, parsePortalInstant, type PortalOffset } from './portal-time.js';

/**
 * `crm.deal.list` filter and order (bitrix24-api.md §5.8): operator prefixes, unknown keys silently
 * removed, LIKE degraded to '=' on status/company/contact fields, ISO dates accepted. String
 * comparisons are case-insensitive like the cloud's MySQL collation.
 */
export type FilterOperator =
  '=' | '!' | '!=' | '>' | '>=' | '<' | '<=' | '@' | '!@' | '%' | '!%' | '=%' | '%=';

export interface FilterCondition {
  field: CrmFieldDef;
  op: FilterOperator;
  value: unknown;
}

const PREFIX = /^(>=|<=|!@|!=|!%|=%|%=|>|<|@|%|=|!)?(.*)$/s;
const NO_LIKE_TYPES = new Set(['crm_status', 'crm_company', 'crm_contact']);

export function parseFilter(filter: unknown, fields: CrmFieldMap): FilterCondition[] {
  const conditions: FilterCondition[] = [];
  for (const [key, value] of phpEntries(filter)) {
    const match = PREFIX.exec(key);
    const field = fields.get(match?.[2] ?? '');
    if (!match || field === undefined || field.writeOnly) {
      continue;
    }
    let op = (match[1] ?? '=') as FilterOperator;
    if (NO_LIKE_TYPES.has(field.type) && (op === '%' || op === '=%' || op === '%=')) {
      op = '=';
    }
    conditions.push({ field, op, value });
  }
  return conditions;
}

export function matchesFilter(
  deal: StoredRecord,
  conditions: readonly FilterCondition[],
  offset: PortalOffset,
): boolean {
  return conditions.every((condition) =>
    matchesCondition(deal[condition.field.name] ?? null, condition, offset),
  );
}

/** Equality probes of one condition, converted once per list call (not once per stored deal). */
interface EqualityProbe {
  readonly matchesEmpty: boolean;
  readonly keys: ReadonlySet<string | number>;
}

const probes = new WeakMap<FilterCondition, EqualityProbe>();

function equalityProbe(
  condition: FilterCondition,
  values: readonly unknown[],
  offset: PortalOffset,
): EqualityProbe {
  let probe = probes.get(condition);
  if (!probe) {
    const keys = new Set<string | number>();
    for (const raw of values) {
      const converted = isEmptyFilterValue(raw) ? undefined : convert(raw, condition.field, offset);
      if (converted !== undefined) {
        keys.add(comparable(converted));
      }
    }
    probe = { matchesEmpty: values.some(isEmptyFilterValue), keys };
    probes.set(condition, probe);
  }
  return probe;
}

function equalsAny(stored: StoredValue, probe: EqualityProbe): boolean {
  if (stored === null) {
    return probe.matchesEmpty;
  }
  return !Array.isArray(stored) && probe.keys.has(comparable(stored));
}

function matchesCondition(stored: StoredValue, condition: FilterCondition, offset: PortalOffset): boolean {
  const { op, value } = condition;
  const values = isPhpArray(value) ? phpEntries(value).map(([, item]) => item) : [value];
  switch (op) {
    case '=':
    case '@':
      return equalsAny(stored, equalityProbe(condition, values, offset));
    case '!':
    case '!=':
    case '!@':
      return !equalsAny(stored, equalityProbe(condition, values, offset));
    case '>':
    case '>=':
    case '<':
    case '<=':
      return compareOp(stored, values[0], condition.field, offset, op);
    case '%':
      return like(stored, `%${phpStrval(values[0])}%`);
    case '!%':
      return !like(stored, `%${phpStrval(values[0])}%`);
    case '=%':
    case '%=':
      return like(stored, phpStrval(values[0]));
  }
}

function isEmptyFilterValue(value: unknown): boolean {
  return value === null || value === '' || value === false || value === undefined;
}

function compareOp(
  stored: StoredValue,
  raw: unknown,
  field: CrmFieldDef,
  offset: PortalOffset,
  op: '>' | '>=' | '<' | '<=',
): boolean {
  const probe = convert(raw, field, offset);
  if (stored === null || Array.isArray(stored) || probe === undefined) {
    return false;
  }
  const order = compareValues(stored, probe);
  return op === '>' ? order > 0 : op === '>=' ? order >= 0 : op === '<' ? order < 0 : order <= 0;
}

function convert(raw: unknown, field: CrmFieldDef, offset: PortalOffset): string | number | undefined {
  switch (field.type) {
    case 'double':
      return phpFloatval(raw);
    case 'date':
      return parsePortalDate(phpStrval(raw), offset);
    case 'datetime':
      return parsePortalInstant(phpStrval(raw), offset);
    case 'integer':
    case 'user':
    case 'crm_category':
    case 'crm_company':
    case 'crm_contact':
    case 'crm_lead':
    case 'crm_quote':
      return phpIntval(raw);
    case 'string':
    case 'char':
    case 'crm_status':
    case 'crm_currency':
    case 'location':
      return phpStrval(raw);
  }
}

/** Numbers compare as numbers; text case-insensitively (the cloud's MySQL collation). */
function comparable(value: string | number): string | number {
  return typeof value === 'number' ? value : value.toLowerCase();
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  const left = String(a).toLowerCase();
  const right = String(b).toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

function like(stored: StoredValue, pattern: string): boolean {
  if (stored === null || Array.isArray(stored)) {
    return false;
  }
  const source = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '.'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(String(stored));
}

/**
 * The lower-cased values an equality condition (`=`, `@`) on `fieldName` accepts, or undefined when the
 * filter has none or it also matches empty values; lets a store narrow candidates through an index.
 */
export function equalityKeys(
  conditions: readonly FilterCondition[],
  fieldName: string,
): string[] | undefined {
  const condition = conditions.find(
    (candidate) => candidate.field.name === fieldName && (candidate.op === '=' || candidate.op === '@'),
  );
  if (condition === undefined) {
    return undefined;
  }
  const values = isPhpArray(condition.value)
    ? phpEntries(condition.value).map(([, item]) => item)
    : [condition.value];
  return values.some(isEmptyFilterValue) ? undefined : values.map((value) => phpStrval(value).toLowerCase());
}

export interface OrderTerm {
  field: CrmFieldDef;
  descending: boolean;
}

export function parseOrder(order: unknown, fields: CrmFieldMap): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const [name, direction] of phpEntries(order)) {
    const field = fields.get(name.toUpperCase());
    if (field !== undefined && !field.writeOnly) {
      terms.push({ field, descending: phpStrval(direction).toUpperCase() === 'DESC' });
    }
  }
  return terms;
}

/** Sorts by the terms, NULLs first ascending (MySQL), STAGE_ID by stage sort, then by ID. */
export function compareRecords(
  a: StoredRecord,
  b: StoredRecord,
  terms: readonly OrderTerm[],
  stageSort: (statusId: string) => number,
): number {
  for (const { field, descending } of terms) {
    const left = sortKey(a[field.name] ?? null, field, stageSort);
    const right = sortKey(b[field.name] ?? null, field, stageSort);
    const order = left === right ? 0 : left === null ? -1 : right === null ? 1 : compareValues(left, right);
    if (order !== 0) {
      return descending ? -order : order;
    }
  }
  return Number(a.ID) - Number(b.ID);
}

function sortKey(
  value: StoredValue,
  field: CrmFieldDef,
  stageSort: (statusId: string) => number,
): string | number | null {
  if (value === null || Array.isArray(value)) {
    return null;
  }
  return field.name === 'STAGE_ID' ? stageSort(String(value)) : value;
}

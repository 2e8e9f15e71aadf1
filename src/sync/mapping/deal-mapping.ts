import type { ErpRow, RowError } from '../../erp/erp-row.js';
import type { CompiledMapping } from './mapping-compiler.js';
import { InvalidValue, type MappingResult, type PayloadValue } from './mapped-payload.js';
import { NO_PARENTS, PARENT_FAILED, parentName, type ParentIds } from './parent-ids.js';

/**
 * Evaluates a compiled mapping against one ERP row: the Bitrix24 fields to write plus ORIGINATOR_ID,
 * ORIGIN_ID and CATEGORY_ID (invariant 1), keys in sorted order; or a row error naming every bad field
 * with its column, value and rule. A bad row never stops the others.
 */
export function mapRow(
  mapping: CompiledMapping,
  row: ErpRow,
  parents: ParentIds = NO_PARENTS,
): MappingResult {
  const payload: Record<string, PayloadValue> = {};
  let failures: InvalidValue[] | undefined;
  let failedFields: string[] | undefined;
  let parentFailures: string[] | undefined;
  for (const { name, field } of mapping.payloadOrder) {
    const value = field === undefined ? identityValue(mapping, name, row) : field.evaluate(row.values);
    if (value instanceof InvalidValue) {
      (failures ??= []).push(value);
      (failedFields ??= []).push(`${name} (${field?.type ?? 'string'})`);
    } else if (field?.link !== undefined && value !== null) {
      const parent = resolveParent(field.link, String(value), parents);
      if ('failed' in parent) {
        (parentFailures ??= []).push(parent.failed);
      } else {
        payload[name] = parent.value;
      }
    } else {
      payload[name] = value;
    }
  }
  if (failures !== undefined && failedFields !== undefined) {
    return { ok: false, error: rowError(row.erpKey, failures, failedFields) };
  }
  if (parentFailures !== undefined) {
    return {
      ok: false,
      error: { erpKey: row.erpKey, code: PARENT_FAILED, message: parentFailures.join('; ') },
    };
  }
  return { ok: true, payload };
}

/**
 * A link's value: the parent's Bitrix24 ID. The payload (and so the hash) holds the ID, not the parent's
 * key: a renamed parent keeps its ID and costs its children nothing, while a parent recreated under a new
 * ID updates them. In a dry run a parent not synced yet shows as `customers/42 (synced first)`.
 */
function resolveParent(
  link: string,
  erpKey: string,
  parents: ParentIds,
): { value: PayloadValue } | { failed: string } {
  const parent = parents.get(link)?.get(erpKey);
  const name = parentName(link, erpKey);
  if (parent === undefined) {
    return { failed: `parent ${name} failed: it was not synced before this row` };
  }
  if ('id' in parent) {
    return { value: parent.id };
  }
  return 'pending' in parent
    ? { value: `${name} (synced first)` }
    : { failed: `parent ${name} failed: ${parent.failed}` };
}

function identityValue(mapping: CompiledMapping, name: string, row: ErpRow): PayloadValue {
  if (name === 'ORIGIN_ID') {
    return row.erpKey;
  }
  return name === 'ORIGINATOR_ID' ? mapping.originatorId : mapping.categoryId;
}

function rowError(erpKey: string, failures: InvalidValue[], fields: string[]): RowError {
  return {
    erpKey,
    code: failures[0].code,
    message: failures.map((failure, index) => `${fields[index]}: ${failure.rule}`).join('; '),
  };
}

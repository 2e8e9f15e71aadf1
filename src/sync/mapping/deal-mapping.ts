import type { ErpRow, RowError } from '../../erp/erp-row.js';
import type { CompiledMapping } from './mapping-compiler.js';
import { InvalidValue, type MappingResult, type PayloadValue } from './mapped-payload.js';
import { PRODUCT_ROWS, productRowsValue, type ProductLines } from './product-rows.js';
import {
  NO_RELATED,
  PARENT_FAILED,
  parentName,
  SYNCED_FIRST,
  type ParentIds,
  type Related,
} from './parent-ids.js';

/**
 * Evaluates a compiled mapping against one ERP row: the Bitrix24 fields to write plus ORIGINATOR_ID,
 * ORIGIN_ID and CATEGORY_ID (invariant 1), keys in sorted order; or a row error naming every bad field
 * with its column, value and rule. A bad row never stops the others.
 */
export function mapRow(
  mapping: CompiledMapping,
  row: ErpRow,
  { parents, lines }: Related = NO_RELATED,
): MappingResult {
  const payload: Record<string, PayloadValue> = {};
  let failures: InvalidValue[] | undefined;
  let failedFields: string[] | undefined;
  let parentFailures: string[] | undefined;
  for (const { name, field } of mapping.payloadOrder) {
    const value =
      field === undefined ? unfieldedValue(mapping, name, row, lines) : field.evaluate(row.values);
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
    ? { value: `${name}${SYNCED_FIRST}` }
    : { failed: `parent ${name} failed: ${parent.failed}` };
}

/** A payload value no field computes: the identity fields (invariant 1), and the deal's product rows. */
function unfieldedValue(
  mapping: CompiledMapping,
  name: string,
  row: ErpRow,
  lines: ProductLines | undefined,
): PayloadValue | InvalidValue {
  if (name !== PRODUCT_ROWS || mapping.productRows === undefined) {
    return identityValue(mapping, name, row);
  }
  if (lines === undefined) {
    // Hashing a deal without its lines would take them for an emptied set and clear them in Bitrix24.
    throw new Error(`mapping "${mapping.name}": product rows were not read for key ${row.erpKey}`);
  }
  return productRowsValue(mapping.productRows, lines.get(row.erpKey) ?? []);
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

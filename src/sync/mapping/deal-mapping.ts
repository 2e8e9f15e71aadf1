import type { ErpRow, RowError } from '../../erp/erp-row.js';
import type { CompiledMapping } from './mapping-compiler.js';
import { InvalidValue, type MappingResult, type PayloadValue } from './mapped-payload.js';

/**
 * Evaluates a compiled mapping against one ERP row: the Bitrix24 fields to write plus ORIGINATOR_ID,
 * ORIGIN_ID and CATEGORY_ID (invariant 1), keys in sorted order; or a row error naming every bad field
 * with its column, value and rule. A bad row never stops the others.
 */
export function mapRow(mapping: CompiledMapping, row: ErpRow): MappingResult {
  const payload: Record<string, PayloadValue> = {};
  let failures: InvalidValue[] | undefined;
  let failedFields: string[] | undefined;
  for (const { name, field } of mapping.payloadOrder) {
    const value = field === undefined ? identityValue(mapping, name, row) : field.evaluate(row.values);
    if (value instanceof InvalidValue) {
      (failures ??= []).push(value);
      (failedFields ??= []).push(`${name} (${field?.type ?? 'string'})`);
    } else {
      payload[name] = value;
    }
  }
  if (failures !== undefined && failedFields !== undefined) {
    return { ok: false, error: rowError(row.erpKey, failures, failedFields) };
  }
  return { ok: true, payload };
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

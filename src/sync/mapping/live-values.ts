import { ownedMultiValue } from '../../bitrix24/multi-field-items.js';
import type { CompiledMapping } from './mapping-compiler.js';

/**
 * A record as read from Bitrix24, in the mapping's terms: each multi-field becomes the one value of the type
 * the mapping owns (the lists the portal returns also hold values typed by hand, which are not ours).
 */
export function liveValues(
  mapping: CompiledMapping,
  record: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const multi = mapping.fields.filter((field) => field.valueType !== undefined);
  if (multi.length === 0) {
    return record;
  }
  const values: Record<string, unknown> = { ...record };
  for (const field of multi) {
    values[field.name] = ownedMultiValue(record[field.name], field.valueType ?? '');
  }
  return values;
}

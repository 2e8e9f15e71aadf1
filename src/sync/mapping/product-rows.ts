import type { ErpValue } from '../../erp/erp-row.js';
import { InvalidValue, type PayloadValue } from './mapped-payload.js';
import type { CompiledProductRows } from './mapping-compiler.js';

/**
 * The payload key holding a deal's product rows: their ordered, mapped set as canonical JSON text, so the set
 * is part of the deal's hash and diff like any field (a changed set is one changed value), and is sent as one
 * `crm.deal.productrows.set` (replace-all, so resending it is safe).
 */
export const PRODUCT_ROWS = 'PRODUCT_ROWS';

/** A deal's ERP key → its product rows as the source returned them, in order. */
export type ProductLines = ReadonlyMap<string, ReadonlyArray<Readonly<Record<string, ErpValue>>>>;

/**
 * A deal's lines mapped to product rows: each row's fields in name order, empty ones left out (the portal's
 * defaults apply), as JSON text. A line that does not map fails the whole deal, naming the line and field.
 */
export function productRowsValue(
  rows: CompiledProductRows,
  lines: ReadonlyArray<Readonly<Record<string, ErpValue>>>,
): PayloadValue | InvalidValue {
  const mapped: Array<Record<string, PayloadValue>> = [];
  for (const [index, line] of lines.entries()) {
    const row: Record<string, PayloadValue> = {};
    for (const field of rows.fields) {
      const value = field.evaluate(line);
      if (value instanceof InvalidValue) {
        return new InvalidValue(
          value.code,
          `line ${index + 1}: ${field.name} (${field.type}): ${value.rule}`,
        );
      }
      if (value !== null) {
        row[field.name] = value;
      }
    }
    mapped.push(row);
  }
  return JSON.stringify(mapped);
}

/** The product rows a payload value holds ([] for none). */
export function productRowsOf(value: unknown): Array<Record<string, PayloadValue>> {
  if (typeof value !== 'string' || value === '') {
    return [];
  }
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? (parsed as Array<Record<string, PayloadValue>>) : [];
}

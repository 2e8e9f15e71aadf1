import type { CrmFields } from '../bitrix24/crm-entity.types.js';
import type { SyncOperation } from '../persistence/entities/sync-operation.entity.js';
import { PRODUCT_ROWS, productRowsOf } from './mapping/product-rows.js';

/*
 * A deal's product rows are one value of its payload (PRODUCT_ROWS) but travel as their own command,
 * crm.deal.productrows.set, next to the deal's add or update (DESIGN §6b).
 */

/** A write's fields without its product rows, which travel as their own command. */
export function withoutRows(fields: CrmFields): CrmFields {
  if (!(PRODUCT_ROWS in fields)) {
    return fields;
  }
  const rest: Record<string, CrmFields[string]> = { ...fields };
  delete rest[PRODUCT_ROWS];
  return rest;
}

/** The product rows a write sets (undefined: it leaves them alone). */
export function rowsOf(fields: Readonly<Record<string, unknown>>): CrmFields[] | undefined {
  return PRODUCT_ROWS in fields ? productRowsOf(fields[PRODUCT_ROWS]) : undefined;
}

/**
 * A created deal whose rows did not arrive: linked (so it is never created again), with its rows recorded as
 * unknown, so the next run finds the set changed and sends it (replace-all, safe to resend).
 */
export function rowsPending(operation: SyncOperation): SyncOperation {
  const payload = operation.payload === null ? null : { ...operation.payload, [PRODUCT_ROWS]: null };
  return { ...operation, payload, payloadHash: ROWS_PENDING_HASH };
}

const ROWS_PENDING_HASH = 'product rows not confirmed';

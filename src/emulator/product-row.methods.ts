import { resolveArrayParam } from './crm-params.js';
import { phpIntval } from './php-query.js';
import { printProductRow, productTotals } from './product-rows.js';
import { crmError } from './rest-error.js';
import type { CallContext, MethodResult, RestMethod } from './rest-method.js';

/** `crm.deal.productrows.set/get` (bitrix24-api.md §5b; docs `crm-deal-productrows-set.md`, `-get.md`). */
export const PRODUCT_ROW_METHODS: readonly RestMethod[] = [
  { name: 'crm.deal.productrows.set', scope: 'crm', handler: productRowsSet },
  { name: 'crm.deal.productrows.get', scope: 'crm', handler: productRowsGet },
];

function dealId(params: Record<string, unknown>): number {
  const id = phpIntval(params.ID ?? params.id);
  if (id <= 0) {
    throw crmError('The parameter id is invalid or not defined.');
  }
  return id;
}

/**
 * Replace-all: the rows sent become the deal's only rows (a missing `rows` empties them). The deal's
 * totals follow unless it had no rows and gets none (`SaveRows` skips the owner sync then).
 */
function productRowsSet({ params, caller, services }: CallContext): MethodResult {
  const id = dealId(params);
  services.deals.get(id);
  const { rows, hadRows } = services.productRows.replace(id, resolveArrayParam(params, 'rows'));
  if (hadRows || rows.length > 0) {
    services.deals.syncProductTotals(id, productTotals(rows), {
      userId: caller.userId,
      nowMs: services.nowMs(),
    });
  }
  services.onWrite('crm.deal.productrows.set');
  return { result: true };
}

function productRowsGet({ params, services }: CallContext): MethodResult {
  const id = dealId(params);
  services.deals.get(id);
  return { result: services.productRows.get(id).map(printProductRow) };
}

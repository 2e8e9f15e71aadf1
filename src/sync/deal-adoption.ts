import type { CrmDeal } from '../bitrix24/crm-deal.types.js';
import type { SyncOperation } from '../persistence/entities/sync-operation.entity.js';

export interface Adoption {
  readonly operation: SyncOperation;
  readonly dealId: number;
  /** Further deals carrying the same ORIGIN_ID (made by someone else, or before this daemon kept state). */
  readonly duplicates: readonly number[];
}

/** The deal a pending create resolves to: the oldest of our deals with its ORIGIN_ID, if any. */
export function adoptionFor(operation: SyncOperation, deals: readonly CrmDeal[]): Adoption | null {
  const ids = deals
    .map((deal) => Number(deal.ID))
    .filter((id) => Number.isInteger(id) && id > 0)
    .sort((left, right) => left - right);
  if (ids.length === 0) {
    return null;
  }
  return { operation, dealId: ids[0], duplicates: ids.slice(1) };
}

import type { CrmRecord } from '../bitrix24/crm-entity.types.js';
import type { SyncOperation } from '../persistence/entities/sync-operation.entity.js';

export interface Adoption {
  readonly operation: SyncOperation;
  readonly dealId: number;
  /** The adopted deal as Bitrix24 has it (with the fields the lookup selected). */
  readonly deal: CrmRecord;
  /** Further deals carrying the same ORIGIN_ID (made by someone else, or before this daemon kept state). */
  readonly duplicates: readonly number[];
}

/** The deal a pending create resolves to: the oldest of our deals with its ORIGIN_ID, if any. */
export function adoptionFor(operation: SyncOperation, deals: readonly CrmRecord[]): Adoption | null {
  const sorted = deals
    .filter((deal) => Number.isInteger(Number(deal.ID)) && Number(deal.ID) > 0)
    .sort((left, right) => Number(left.ID) - Number(right.ID));
  if (sorted.length === 0) {
    return null;
  }
  const ids = sorted.map((deal) => Number(deal.ID));
  return { operation, dealId: ids[0], deal: sorted[0], duplicates: ids.slice(1) };
}

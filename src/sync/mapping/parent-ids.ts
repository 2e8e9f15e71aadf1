import type { ProductLines } from './product-rows.js';

/**
 * A parent's Bitrix24 ID as a run resolved it: its ID; why it has none (its own row failed, it is not in its
 * source); or, in a dry run, that it would be synced first.
 */
export type ParentId = { readonly id: number } | { readonly failed: string } | { readonly pending: true };

/** Parent mapping → parent ERP key → its ID. */
export type ParentIds = ReadonlyMap<string, ReadonlyMap<string, ParentId>>;

export const NO_PARENTS: ParentIds = new Map();

/** The row error code of a row whose parent has no ID: retried with backoff like a refused write. */
export const PARENT_FAILED = 'PARENT_FAILED';

/** `customers/42`: a parent as messages name it. */
export const parentName = (mapping: string, erpKey: string): string => `${mapping}/${erpKey}`;

/** What a page's rows relate to: their parents' IDs and, for a deal mapping with product rows, their lines. */
export interface Related {
  readonly parents: ParentIds;
  /** Undefined for a mapping without product rows. */
  readonly lines?: ProductLines;
}

export const NO_RELATED: Related = { parents: NO_PARENTS };

/** How a dry run shows a parent it would sync first: `customers/42 (synced first)`. */
export const SYNCED_FIRST = ' (synced first)';

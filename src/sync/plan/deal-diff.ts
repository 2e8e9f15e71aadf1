import type { ErpRow, RowError } from '../../erp/erp-row.js';
import { mapRow } from '../mapping/deal-mapping.js';
import { MAPPING_ERROR_PREFIX } from '../mapping/mapped-payload.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { DealPayload } from '../mapping/mapped-payload.js';
import { hashMappedPayload } from '../mapping/payload-hash.js';
import { NO_RELATED, type Related } from '../mapping/parent-ids.js';
import { ChangeKind, type DealChange, type DealLinkState, type LiveDeal } from './deal-change.js';
import { createFields, diffFields } from './field-diff.js';

export interface RowDiffInput {
  readonly row: ErpRow;
  /** The row's deal_link, or null when the key was never seen. */
  readonly link: DealLinkState | null;
  /**
   * The deal as Bitrix24 has it now (dry run against the portal, reconcile): compared field by field even
   * when the hash is unchanged. Null: fetched and not found. Undefined: not fetched (the normal run).
   */
  readonly live?: LiveDeal | null;
}

/** A row mapped and hashed, before its link is read: the hash lets the link lookup skip payloads it will not need. */
export type PreparedRow =
  | { readonly row: ErpRow; readonly ok: true; readonly payload: DealPayload; readonly payloadHash: string }
  | { readonly row: ErpRow; readonly ok: false; readonly error: RowError };

export function prepareRow(
  mapping: CompiledMapping,
  row: ErpRow,
  related: Related = NO_RELATED,
): PreparedRow {
  const mapped = mapRow(mapping, row, related);
  return mapped.ok
    ? { row, ok: true, payload: mapped.payload, payloadHash: hashMappedPayload(mapping, mapped.payload) }
    : { row, ok: false, error: mapped.error };
}

/**
 * Decides what one ERP row needs: create, update (changed fields only), nothing, wait, or fail.
 * Unchanged rows cost a map and a hash, no call (invariant 3); failing links are retried once their
 * retryAt passed even when unchanged, parked ones wait for an operator (invariant 4).
 */
export function diffRow(
  mapping: CompiledMapping,
  input: RowDiffInput,
  now: Date,
  related: Related = NO_RELATED,
): DealChange {
  return diffPrepared(mapping, prepareRow(mapping, input.row, related), input, now);
}

function diffPrepared(
  mapping: CompiledMapping,
  prepared: PreparedRow,
  { link, live }: Pick<RowDiffInput, 'link' | 'live'>,
  now: Date,
): DealChange {
  const erpKey = prepared.row.erpKey;
  if (!prepared.ok) {
    return { kind: ChangeKind.Failed, erpKey, error: prepared.error };
  }
  const deferred = deferral(erpKey, link, now);
  if (deferred !== null) {
    return deferred;
  }
  const { payload, payloadHash } = prepared;
  const retry = link !== null && link.failedAttempts > 0;
  if (link === null || link.dealId === null || live === null || isDeletedDeal(mapping, link)) {
    const reason = link?.removed ? 'reappeared' : link?.dealId == null ? 'new' : 'missing_in_crm';
    return { kind: ChangeKind.Create, erpKey, reason, retry, ...createFields(payload), payload, payloadHash };
  }
  return diffLinked(mapping, { erpKey, dealId: link.dealId, link, live, payload, payloadHash, retry });
}

interface LinkedRow {
  readonly erpKey: string;
  readonly dealId: number;
  readonly link: DealLinkState;
  readonly live: LiveDeal | undefined;
  readonly payload: DealPayload;
  readonly payloadHash: string;
  readonly retry: boolean;
}

/** A row whose deal exists: nothing (by hash, or by field), or an update of the differing fields. */
function diffLinked(mapping: CompiledMapping, row: LinkedRow): DealChange {
  const { erpKey, dealId, link, live, payload, payloadHash, retry } = row;
  const sameHash = link.payloadHash === payloadHash;
  if (live === undefined && !retry && !link.removed && sameHash) {
    return { kind: ChangeKind.Unchanged, erpKey, dealId, refresh: null };
  }
  const diff = diffFields(mapping, payload, { live, pushed: link.payload }, link.removed);
  if (Object.keys(diff.fields).length === 0) {
    const stale = retry || link.removed || !sameHash;
    return { kind: ChangeKind.Unchanged, erpKey, dealId, refresh: stale ? { payload, payloadHash } : null };
  }
  const reason = link.removed ? 'reappeared' : sameHash ? 'drift' : 'changed';
  return { kind: ChangeKind.Update, erpKey, dealId, reason, retry, ...diff, payload, payloadHash };
}

/** Failing links wait for their retry time, parked ones for an operator (invariant 4). */
function deferral(erpKey: string, link: DealLinkState | null, now: Date): DealChange | null {
  if (link === null || failedOnlyToMap(link)) {
    return null;
  }
  if (link.parked) {
    return { kind: ChangeKind.Deferred, erpKey, reason: 'parked', retryAt: link.retryAt };
  }
  if (link.failedAttempts > 0 && link.retryAt !== null && link.retryAt.getTime() > now.getTime()) {
    return { kind: ChangeKind.Deferred, erpKey, reason: 'backoff', retryAt: link.retryAt };
  }
  return null;
}

/**
 * A link whose last failure was this row not mapping (`MAPPING_*` codes, recorded as `CODE: message`)
 * never cost an API call; once the row maps again it goes ahead at once instead of waiting out a backoff
 * or a parking meant to spare the portal.
 */
function failedOnlyToMap(link: DealLinkState): boolean {
  return link.lastError?.startsWith(MAPPING_ERROR_PREFIX) ?? false;
}

/**
 * A removed link's deal is gone when the engine cleared its dealId after crm.deal.delete, or when the
 * policy is `delete`; a closed deal (policy `close`) still exists and is updated instead, so its
 * ORIGINATOR_ID/ORIGIN_ID pair stays unique (invariant 1).
 */
function isDeletedDeal(mapping: CompiledMapping, link: DealLinkState): boolean {
  return link.removed && mapping.deletePolicy === 'delete';
}

/**
 * diffRow over one chunk of prepared rows. A link may come without its pushed payload when its hash equals the
 * row's and it is neither removed nor failing: that row is unchanged by hash, and its payload is never read.
 */
export function diffDeals(
  mapping: CompiledMapping,
  rows: readonly PreparedRow[],
  links: ReadonlyMap<string, DealLinkState>,
  now: Date,
): DealChange[] {
  return rows.map((prepared) =>
    diffPrepared(mapping, prepared, { link: links.get(prepared.row.erpKey) ?? null }, now),
  );
}

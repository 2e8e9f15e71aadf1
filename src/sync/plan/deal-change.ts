import type { RowError } from '../../erp/erp-row.js';
import type { DealLink } from '../../persistence/entities/deal-link.entity.js';
import type { FieldChange } from '../../persistence/entities/sync-operation.entity.js';
import type { DealPayload } from '../mapping/mapped-payload.js';

/** What diff needs from a `deal_link` row. */
export type DealLinkState = Pick<
  DealLink,
  'dealId' | 'payload' | 'payloadHash' | 'removed' | 'failedAttempts' | 'retryAt' | 'parked' | 'lastError'
>;

/** A deal as `crm.deal.get`/`crm.deal.list` return it (strings, nulls for empty). */
export type LiveDeal = Readonly<Record<string, unknown>>;

/** Fields as sent to Bitrix24: on update an emptied field is `""`, which clears it (bitrix24-api.md §6.3). */
export type BitrixFields = Readonly<Record<string, string | number>>;

export enum ChangeKind {
  Create = 'create',
  Update = 'update',
  Delete = 'delete',
  Unchanged = 'unchanged',
  /** A failing row waiting for its retry time, or parked for an operator: no call this run. */
  Deferred = 'deferred',
  /** The row does not map (a RowError); no call, the run goes on. */
  Failed = 'failed',
}

export interface CreateChange {
  readonly kind: ChangeKind.Create;
  readonly erpKey: string;
  /** `reappeared`: a removed (deleted) deal's row is back; `missing_in_crm`: live values show the deal gone. */
  readonly reason: 'new' | 'reappeared' | 'missing_in_crm';
  /** The link has failed attempts: this is a retry. */
  readonly retry: boolean;
  readonly fields: BitrixFields;
  readonly changes: Readonly<Record<string, FieldChange>>;
  /** The full mapped payload and its hash: what the link stores once Bitrix24 confirms. */
  readonly payload: DealPayload;
  readonly payloadHash: string;
}

export interface UpdateChange {
  readonly kind: ChangeKind.Update;
  readonly erpKey: string;
  readonly dealId: number;
  /** `reappeared`: a closed deal's row is back; `drift`: live values differ although the ERP row did not change. */
  readonly reason: 'changed' | 'reappeared' | 'drift';
  readonly retry: boolean;
  /** Only the fields to write. */
  readonly fields: BitrixFields;
  /** Each written field, old (live value when given, else last pushed) → new. */
  readonly changes: Readonly<Record<string, FieldChange>>;
  readonly payload: DealPayload;
  readonly payloadHash: string;
}

export interface DeleteChange {
  readonly kind: ChangeKind.Delete;
  readonly erpKey: string;
  readonly dealId: number;
  /** `close`: crm.deal.update of STAGE_ID; `delete`: crm.deal.delete. */
  readonly policy: 'close' | 'delete';
  readonly fields: BitrixFields;
  readonly changes: Readonly<Record<string, FieldChange>>;
}

export interface UnchangedChange {
  readonly kind: ChangeKind.Unchanged;
  readonly erpKey: string;
  readonly dealId: number;
  /**
   * Non-null when the link should store this payload and hash and clear its failure state and removed
   * flag, without any call: the hash moved but nothing Bitrix24 would see did (a create-only field, a
   * retried row that changed back). Null for the plain no-op.
   */
  readonly refresh: { readonly payload: DealPayload; readonly payloadHash: string } | null;
}

export interface DeferredChange {
  readonly kind: ChangeKind.Deferred;
  readonly erpKey: string;
  readonly reason: 'backoff' | 'parked';
  readonly retryAt: Date | null;
}

export interface FailedChange {
  readonly kind: ChangeKind.Failed;
  readonly erpKey: string;
  readonly error: RowError;
}

export type DealChange =
  CreateChange | UpdateChange | DeleteChange | UnchangedChange | DeferredChange | FailedChange;

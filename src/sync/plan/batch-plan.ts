import { ChangeKind, type BitrixFields, type DealChange, type WriteChange } from './deal-change.js';

/** Bitrix24 runs at most 50 commands per batch call (bitrix24-api.md §4, BATCH_MAX_LENGTH). */
export const MAX_BATCH_COMMANDS = 50;

export type DealMethod = 'crm.deal.add' | 'crm.deal.update' | 'crm.deal.delete';

export interface BatchCommand {
  /** Unique within its batch: the `cmd` key its result and error come back under. */
  readonly key: string;
  readonly erpKey: string;
  readonly change: WriteChange;
  readonly method: DealMethod;
  readonly params: { readonly id?: number; readonly fields?: BitrixFields };
}

export interface Batch {
  readonly commands: readonly BatchCommand[];
}

/** Partly filled batch carried from one page to the next. */
export interface BatchCarry {
  readonly pending: readonly WriteChange[];
}

export const EMPTY_CARRY: BatchCarry = { pending: [] };

/** All write changes as batches of at most `size` commands; unchanged, deferred and failed cost nothing. */
export function planBatches(changes: readonly DealChange[], size = MAX_BATCH_COMMANDS): Batch[] {
  const { batches, carry } = appendToBatches(EMPTY_CARRY, changes, size);
  return carry.pending.length === 0 ? batches : [...batches, toBatch(carry.pending)];
}

/**
 * Streaming form of planBatches: adds one page's changes to the carried partial batch and returns the
 * batches that are full; memory stays O(page + batch). Finish with `flushBatches`.
 */
export function appendToBatches(
  carry: BatchCarry,
  changes: readonly DealChange[],
  size = MAX_BATCH_COMMANDS,
): { batches: Batch[]; carry: BatchCarry } {
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_COMMANDS) {
    throw new RangeError(`batch size must be 1..${MAX_BATCH_COMMANDS}, got ${size}`);
  }
  const batches: Batch[] = [];
  let pending: WriteChange[] = [...carry.pending];
  for (const change of changes) {
    if (isWrite(change)) {
      pending.push(change);
      if (pending.length === size) {
        batches.push(toBatch(pending));
        pending = [];
      }
    }
  }
  return { batches, carry: { pending } };
}

/** The last, partly filled batch (or none). */
export function flushBatches(carry: BatchCarry): Batch[] {
  return carry.pending.length === 0 ? [] : [toBatch(carry.pending)];
}

export function isWrite(change: DealChange): change is WriteChange {
  return (
    change.kind === ChangeKind.Create ||
    change.kind === ChangeKind.Update ||
    change.kind === ChangeKind.Delete
  );
}

function toBatch(changes: readonly WriteChange[]): Batch {
  return { commands: changes.map((change, index) => toCommand(change, index)) };
}

function toCommand(change: WriteChange, index: number): BatchCommand {
  switch (change.kind) {
    case ChangeKind.Create:
      return {
        key: `add${index}`,
        erpKey: change.erpKey,
        change,
        method: 'crm.deal.add',
        params: { fields: change.fields },
      };
    case ChangeKind.Update:
      return {
        key: `update${index}`,
        erpKey: change.erpKey,
        change,
        method: 'crm.deal.update',
        params: { id: change.dealId, fields: change.fields },
      };
    case ChangeKind.Delete:
      return change.policy === 'close'
        ? {
            key: `close${index}`,
            erpKey: change.erpKey,
            change,
            method: 'crm.deal.update',
            params: { id: change.dealId, fields: change.fields },
          }
        : {
            key: `delete${index}`,
            erpKey: change.erpKey,
            change,
            method: 'crm.deal.delete',
            params: { id: change.dealId },
          };
  }
}

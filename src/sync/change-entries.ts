import type { ErpRow, RowError } from '../erp/erp-row.js';
import { OperationAction } from '../persistence/entities/sync-operation.entity.js';
import type { SyncRun } from '../persistence/entities/sync-run.entity.js';
import type { LinkRefresh, LinkState } from '../persistence/deal-link.repository.js';
import type { NewOperation } from '../persistence/sync-operation.repository.js';
import type { RowFailure } from '../persistence/sync-outcome.repository.js';
import { ChangeKind, type DealChange } from './plan/deal-change.js';

/** What one page of changes turns into: outbox rows, failed rows, link refreshes and counts. */
export interface ChangeEntries {
  readonly operations: NewOperation[];
  readonly failures: RowFailure[];
  readonly refreshes: LinkRefresh[];
  readonly unchanged: number;
  readonly deferred: number;
}

/**
 * Pure: turns diffed changes into what the outbox stores. A delete under the `close` policy stays a
 * delete operation carrying the stage to write (sent as crm.deal.update; its link is marked removed).
 */
export function changeEntries(
  run: SyncRun,
  rows: readonly ErpRow[],
  changes: readonly DealChange[],
  links: ReadonlyMap<string, LinkState>,
  errors: readonly RowError[],
): ChangeEntries {
  const rowByKey = new Map(rows.map((row) => [row.erpKey, row]));
  const entries: ChangeEntries = { operations: [], failures: [], refreshes: [], unchanged: 0, deferred: 0 };
  let unchanged = 0;
  let deferred = 0;
  const base = (erpKey: string) => {
    const row = rowByKey.get(erpKey);
    return {
      runId: run.id,
      mapping: run.mapping,
      erpKey,
      cursor: row ? { value: row.cursor, key: [...row.key] } : null,
    };
  };
  for (const change of changes) {
    switch (change.kind) {
      case ChangeKind.Create:
        entries.operations.push({
          ...base(change.erpKey),
          action: OperationAction.Create,
          dealId: null,
          fields: { ...change.fields },
          payload: { ...change.payload },
          payloadHash: change.payloadHash,
          changes: { ...change.changes },
        });
        break;
      case ChangeKind.Update:
        entries.operations.push({
          ...base(change.erpKey),
          action: OperationAction.Update,
          dealId: change.dealId,
          fields: { ...change.fields },
          payload: { ...change.payload },
          payloadHash: change.payloadHash,
          changes: { ...change.changes },
        });
        break;
      case ChangeKind.Delete:
        entries.operations.push({
          ...base(change.erpKey),
          action: OperationAction.Delete,
          dealId: change.dealId,
          fields: change.policy === 'close' ? { ...change.fields } : {},
          payload: null,
          payloadHash: null,
          changes: { ...change.changes },
        });
        break;
      case ChangeKind.Unchanged:
        unchanged++;
        if (change.refresh) {
          entries.refreshes.push({ erpKey: change.erpKey, ...change.refresh });
        }
        break;
      case ChangeKind.Deferred:
        deferred++;
        break;
      case ChangeKind.Failed:
        entries.failures.push(failure(run, change.erpKey, change.error, links));
        break;
    }
  }
  for (const error of errors) {
    entries.failures.push(failure(run, error.erpKey, error, links));
  }
  return { ...entries, unchanged, deferred };
}

function failure(
  run: SyncRun,
  erpKey: string | null,
  error: RowError,
  links: ReadonlyMap<string, LinkState>,
): RowFailure {
  const linked = erpKey !== null && (links.get(erpKey)?.dealId ?? null) !== null;
  return {
    runId: run.id,
    mapping: run.mapping,
    erpKey,
    action: linked ? OperationAction.Update : OperationAction.Create,
    code: error.code,
    message: error.message,
  };
}

import type { DealLink } from '../persistence/entities/deal-link.entity.js';
import type { SyncOperation } from '../persistence/entities/sync-operation.entity.js';
import type { SyncRun } from '../persistence/entities/sync-run.entity.js';
import type { FieldChangeView, LinkView, OperationView, RunView } from './admin.responses.js';
import { cleanStoredError } from './stored-error.js';

/** Removes known secret values from free text (error messages can quote a URL or a token by mistake). */
export type Redact = (text: string) => string;

export function toRunView(run: SyncRun, redact: Redact): RunView {
  return {
    id: run.id,
    mapping: run.mapping,
    trigger: run.trigger,
    mode: run.mode,
    status: run.status,
    dryRun: run.dryRun,
    requestedBy: run.requestedBy,
    erpKeys: run.erpKeys,
    cancelRequested: run.cancelRequested,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    counters: {
      rowsRead: run.rowsRead,
      planned: run.planned,
      applied: run.applied,
      created: run.created,
      updated: run.updated,
      deleted: run.deleted,
      unchanged: run.unchanged,
      failed: run.failed,
    },
    error: redactOrNull(run.error, redact),
  };
}

export function toOperationView(operation: SyncOperation, redact: Redact): OperationView {
  const failed = operation.errorCode !== null || operation.errorMessage !== null;
  return {
    id: operation.id,
    runId: operation.runId,
    mapping: operation.mapping,
    erpKey: operation.erpKey,
    action: operation.action,
    status: operation.status,
    dealId: operation.dealId,
    attempt: operation.attempt,
    changes: toChangeList(operation.changes),
    error: failed
      ? { code: operation.errorCode || null, message: redactOrNull(operation.errorMessage, redact) }
      : null,
    nextAttemptAt: iso(operation.nextAttemptAt),
    createdAt: operation.createdAt.toISOString(),
    updatedAt: operation.updatedAt.toISOString(),
    finishedAt: iso(operation.finishedAt),
  };
}

export function toLinkView(link: DealLink, redact: Redact): LinkView {
  return {
    dealId: link.dealId,
    payload: link.payload,
    payloadHash: link.payloadHash,
    syncedAt: iso(link.syncedAt),
    removed: link.removed,
    failedAttempts: link.failedAttempts,
    lastError: link.lastError === null ? null : redact(cleanStoredError(link.lastError)),
    retryAt: iso(link.retryAt),
    parked: link.parked,
    createdAt: link.createdAt.toISOString(),
    updatedAt: link.updatedAt.toISOString(),
  };
}

function toChangeList(changes: SyncOperation['changes'] | null): FieldChangeView[] {
  return Object.entries(changes ?? {}).map(([field, change]) => ({
    field,
    old: change?.old ?? null,
    new: change?.new ?? null,
  }));
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

function redactOrNull(text: string | null, redact: Redact): string | null {
  return text === null ? null : redact(text);
}

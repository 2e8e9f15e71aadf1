import type { OperationAction, OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import type {
  CursorPosition,
  RunMode,
  RunStatus,
  RunTrigger,
} from '../persistence/entities/sync-run.entity.js';

/** What the admin JSON API answers; times are ISO 8601 strings. */

export interface PageView<T> {
  readonly items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface RunCountersView {
  readonly rowsRead: number;
  readonly planned: number;
  readonly applied: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly failed: number;
}

export interface RunView {
  readonly id: number;
  readonly mapping: string;
  readonly trigger: RunTrigger;
  readonly mode: RunMode;
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly requestedBy: string | null;
  readonly erpKeys: string[] | null;
  readonly cancelRequested: boolean;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly counters: RunCountersView;
  readonly error: string | null;
}

export interface RunProgressView {
  readonly planned: number;
  readonly applied: number;
  readonly failed: number;
  readonly remaining: number;
  /** Share of planned operations finished (applied or failed), 0–100; null before planning. */
  readonly percent: number | null;
  /** Operations finished per second since the run started; null before any finished. */
  readonly ratePerSecond: number | null;
  /** Seconds until the remaining operations are done at the current rate (running runs only). */
  readonly etaSeconds: number | null;
  readonly estimatedFinishAt: string | null;
  readonly elapsedSeconds: number | null;
}

export interface RunDetailView extends RunView {
  readonly cursorFrom: CursorPosition | null;
  readonly cursorTo: CursorPosition | null;
  /** From the run's operations (run-tally.ts), so it agrees with its operations table; from its counters once pruned. */
  readonly progress: RunProgressView;
  /** Operations of this run still in the sync log, by status. */
  readonly operations: Record<OperationStatus, number>;
  /** Of this run's failed rows, how many later runs finished; null when none failed. */
  readonly failedRows: { readonly failed: number; readonly finishedLater: number } | null;
  /** A queued run's reason to wait: the mapping's running run (it holds the lock), or the run queued before it. */
  readonly waitingFor: { readonly runId: number; readonly status: RunStatus } | null;
}

export interface FieldChangeView {
  readonly field: string;
  readonly old: unknown;
  readonly new: unknown;
}

export interface OperationView {
  readonly id: string;
  readonly runId: number;
  readonly mapping: string;
  readonly erpKey: string;
  readonly action: OperationAction;
  readonly status: OperationStatus;
  readonly dealId: number | null;
  readonly attempt: number;
  readonly changes: FieldChangeView[];
  readonly error: { readonly code: string | null; readonly message: string | null } | null;
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

export interface LinkView {
  readonly dealId: number | null;
  /** The payload last confirmed pushed. */
  readonly payload: Record<string, unknown> | null;
  readonly payloadHash: string | null;
  readonly syncedAt: string | null;
  readonly removed: boolean;
  readonly failedAttempts: number;
  readonly lastError: string | null;
  readonly retryAt: string | null;
  readonly parked: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface TimelineEntryView extends OperationView {
  /** A dry run's entry: what would have been sent; it never counts as an attempt. */
  readonly dryRun: boolean;
  /** The failure's number as the backoff counts it (consecutive failures since the last success). */
  readonly failureNumber: number | null;
}

/** A record linked to another through a link field (DESIGN §6b), as the console shows it. */
export interface RelatedRecordView {
  readonly mapping: string;
  readonly entity: string;
  /** The link field (`COMPANY_ID`) that holds the parent's Bitrix24 id. */
  readonly field: string;
  /** Null when our link table has no row for the id (the record was linked by hand, or its link was lost). */
  readonly erpKey: string | null;
  readonly crmId: number | null;
  readonly url: string | null;
}

/** A record's children through one link field of another mapping (a company's deals): a count and the first few. */
export interface RelatedChildrenView {
  readonly mapping: string;
  readonly entity: string;
  readonly field: string;
  readonly total: number;
  readonly records: RelatedRecordView[];
}

export interface RecordTimelineView {
  readonly mapping: string;
  /** The CRM entity the mapping writes: deal, company or contact. */
  readonly entity: string;
  readonly erpKey: string;
  readonly link: LinkView | null;
  /** The record's card in the portal (deal, company or contact); null when none exists yet or no portal is configured. */
  readonly dealUrl: string | null;
  /** The records this one points at through its link fields (a deal's company). */
  readonly parents: RelatedRecordView[];
  /** The records that point at this one (a company's deals). */
  readonly children: RelatedChildrenView[];
  /** Failures after which the row is parked (the mapping's retry.maxAttempts); null for a mapping no longer configured. */
  readonly maxAttempts: number | null;
  /** Newest first. */
  readonly operations: TimelineEntryView[];
  /** True when older operations exist beyond the ones listed. */
  readonly truncated: boolean;
}

export interface MappingSummaryView {
  readonly name: string;
  /** The CRM entity the mapping writes: deal, company or contact (its link table's IDs are of that entity). */
  readonly entity: string;
  readonly enabled: boolean;
  readonly source: {
    readonly table: string | null;
    /** The query with whitespace collapsed, cut to a readable length. */
    readonly query: string | null;
    readonly key: string[];
    readonly cursor: string | null;
    readonly lookbackSeconds: number;
  };
  readonly schedule: string | null;
  readonly fullSweep: string | null;
  readonly reconcile: string | null;
  /** Next incremental run by the schedule; null when disabled or unscheduled. */
  readonly nextRunAt: string | null;
  readonly nextFullSweepAt: string | null;
  readonly target: {
    readonly originatorId: string;
    readonly categoryId: number;
    /** The methods that create its records, in preference order (a deal mapping's `target.createVia`). */
    readonly createVia: readonly string[];
  };
  readonly fields: string[];
  readonly delete: { readonly policy: string; readonly stage: string | null; readonly maxPerRun: number };
  readonly lastRun: RunView | null;
}

export interface RecentRunView {
  readonly id: number;
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly durationSeconds: number | null;
}

export interface MappingHealthView {
  readonly name: string;
  readonly enabled: boolean;
  readonly lastSucceededAt: string | null;
  /**
   * Age in seconds of the oldest ERP change not yet in Bitrix24 (pending, in-flight or failed); the same
   * figure as the metric `erp_bitrix24_sync_oldest_unsynced_change_seconds`. 0 when nothing waits.
   */
  readonly freshnessSeconds: number;
  /** Rows failed (awaiting their retry) and parked (awaiting an operator) now. */
  readonly attention: { readonly failed: number; readonly parked: number };
  readonly nextRunAt: string | null;
  /** The newest runs, oldest first (for a bar of outcomes and durations). */
  readonly recentRuns: RecentRunView[];
  readonly lastRun: RunView | null;
}

export interface HealthOverviewView {
  readonly generatedAt: string;
  readonly mappings: MappingHealthView[];
}

export interface AttentionGroupView {
  readonly mapping: string;
  /** The normalised error that names this group; pass it back to retry or export exactly this group. */
  readonly fingerprint: string;
  readonly code: string | null;
  readonly message: string;
  readonly rows: number;
  readonly parked: number;
  readonly example: { readonly erpKey: string; readonly code: string | null; readonly message: string };
  readonly lastFailedAt: string;
}

export interface AttentionView {
  readonly generatedAt: string;
  readonly rows: number;
  readonly groups: AttentionGroupView[];
}

export interface AttentionRetryView {
  readonly runId: number;
  /** The ERP keys the run was queued for. */
  readonly erpKeys: number;
}

export interface SearchHitView {
  readonly mapping: string;
  readonly erpKey: string;
  readonly dealId: number | null;
  readonly dealUrl: string | null;
  readonly state: 'synced' | 'failed' | 'parked' | 'not linked';
}

/** What the console page needs besides the data: enum values as the server knows them, and where the portal is. */
export interface ConsoleMetaView {
  readonly version: string;
  readonly portalOrigin: string | null;
  readonly runStatuses: RunStatus[];
  readonly runTriggers: RunTrigger[];
  readonly runModes: RunMode[];
  readonly operationStatuses: OperationStatus[];
  readonly operationActions: OperationAction[];
}

export interface RunAcceptedView {
  readonly runId: number;
}

export interface CancelAcceptedView {
  readonly runId: number;
  readonly cancelRequested: true;
}

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
  readonly progress: RunProgressView;
  /** Operations of this run still in the sync log, by status. */
  readonly operations: Record<OperationStatus, number>;
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

export interface RecordTimelineView {
  readonly mapping: string;
  readonly erpKey: string;
  readonly link: LinkView | null;
  /** Newest first. */
  readonly operations: OperationView[];
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
  readonly target: { readonly originatorId: string; readonly categoryId: number };
  readonly fields: string[];
  readonly delete: { readonly policy: string; readonly stage: string | null; readonly maxPerRun: number };
  readonly lastRun: RunView | null;
}

export interface RunAcceptedView {
  readonly runId: number;
}

export interface CancelAcceptedView {
  readonly runId: number;
  readonly cancelRequested: true;
}

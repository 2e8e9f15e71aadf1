import type { SyncRun } from '../persistence/entities/sync-run.entity.js';
import type { MappingAttentionCounts, RecentRunRow } from '../persistence/sync-console.repository.js';
import type { MappingHealthView } from './admin.responses.js';
import { toRunView, type Redact } from './sync-log.views.js';

export interface MappingHealthInput {
  readonly name: string;
  readonly enabled: boolean;
  readonly nextRunAt: string | null;
  readonly lastSucceededAt: Date | undefined;
  readonly freshnessSeconds: number | undefined;
  readonly attention: MappingAttentionCounts | undefined;
  /** Newest first, as the repository reads them. */
  readonly recentRuns: readonly RecentRunRow[];
  readonly lastRun: SyncRun | undefined;
}

/** One mapping's health as the console shows it at a glance. */
export function toMappingHealthView(input: MappingHealthInput, redact: Redact): MappingHealthView {
  return {
    name: input.name,
    enabled: input.enabled,
    lastSucceededAt: input.lastSucceededAt?.toISOString() ?? null,
    freshnessSeconds: input.freshnessSeconds ?? 0,
    attention: input.attention ?? { failed: 0, parked: 0 },
    nextRunAt: input.nextRunAt,
    recentRuns: [...input.recentRuns].reverse().map((run) => ({
      id: run.id,
      status: run.status,
      dryRun: run.dryRun,
      durationSeconds:
        run.startedAt && run.finishedAt
          ? Math.max(0, (new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000)
          : null,
    })),
    lastRun: input.lastRun === undefined ? null : toRunView(input.lastRun, redact),
  };
}

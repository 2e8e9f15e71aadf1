import { OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import type { UnsyncedRows } from '../persistence/sync-log.repository.js';

const BACKLOG_STATUSES = [
  OperationStatus.Pending,
  OperationStatus.InFlight,
  OperationStatus.Failed,
  OperationStatus.Parked,
] as const;

/** Parked rows are given up on until an operator acts: they are backlog, but not an ageing change. */
const AGEING_STATUSES: readonly OperationStatus[] = [
  OperationStatus.Pending,
  OperationStatus.InFlight,
  OperationStatus.Failed,
];

export interface BacklogSamples {
  readonly rows: { mapping: string; status: OperationStatus; rows: number }[];
  readonly oldest: { mapping: string; ageSeconds: number }[];
}

/**
 * Gauge samples for the backlog: every configured mapping gets a series (0 when nothing waits, so an
 * alert sees a value rather than no data), plus mappings that left the file but still have a backlog.
 */
export function backlogSamples(
  configured: readonly string[],
  unsynced: readonly UnsyncedRows[],
  now: Date,
): BacklogSamples {
  const mappings = [...new Set([...configured, ...unsynced.map((row) => row.mapping)])];
  const rows = mappings.flatMap((mapping) =>
    BACKLOG_STATUSES.map((status) => ({
      mapping,
      status,
      rows: unsynced.find((row) => row.mapping === mapping && row.status === status)?.rows ?? 0,
    })),
  );
  const oldest = mappings.map((mapping) => {
    const times = unsynced
      .filter((row) => row.mapping === mapping && AGEING_STATUSES.includes(row.status))
      .map((row) => row.oldestCreatedAt.getTime());
    const ageMs = times.length === 0 ? 0 : Math.max(0, now.getTime() - Math.min(...times));
    return { mapping, ageSeconds: ageMs / 1000 };
  });
  return { rows, oldest };
}

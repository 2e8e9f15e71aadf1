/**
 * The one definition of a run's progress, shared by the engine's counters, the admin API, the CLI progress
 * bar and the console page. Dependency-free on purpose: the browser module imports it too.
 *
 * An operation is *applied* once Bitrix24 confirmed it, *failed* once it failed or was parked, and
 * *remaining* while it is pending or in flight. A failed row is finished work: a run whose every row
 * failed is at 100 %, not stuck short of it.
 */
export interface RunTally {
  readonly total: number;
  readonly applied: number;
  readonly failed: number;
  readonly remaining: number;
  /** (applied + failed) / total, 0–1; 0 when nothing is planned. */
  readonly fraction: number;
}

/** Operation counts of one run by status (the sync log's `operation_status` values). */
export interface OperationStatusCounts {
  readonly planned: number;
  readonly pending: number;
  readonly in_flight: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly parked: number;
}

/** From the run's own counters; `planned` may omit rows that failed before planning (mapping errors). */
export function tallyRun(counters: { planned: number; applied: number; failed: number }): RunTally {
  const done = counters.applied + counters.failed;
  const total = Math.max(counters.planned, done);
  return {
    total,
    applied: counters.applied,
    failed: counters.failed,
    remaining: total - done,
    fraction: total === 0 ? 0 : done / total,
  };
}

/** From the run's operations table; a dry run's planned operations count as applied (nothing is left to do). */
export function tallyOperations(counts: OperationStatusCounts): RunTally {
  return tallyRun({
    planned:
      counts.planned + counts.pending + counts.in_flight + counts.succeeded + counts.failed + counts.parked,
    applied: counts.succeeded + counts.planned,
    failed: counts.failed + counts.parked,
  });
}

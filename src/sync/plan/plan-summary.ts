import { ChangeKind, type DealChange } from './deal-change.js';

/** Counts of a plan; the first five are the `plan --json` summary line (DESIGN §6). */
export interface PlanSummary {
  readonly creates: number;
  readonly updates: number;
  /** Deletes and closes. */
  readonly deletes: number;
  readonly unchanged: number;
  readonly failed: number;
  /** Failing rows waiting for their retry time or parked for an operator. */
  readonly deferred: number;
}

export const EMPTY_PLAN_SUMMARY: PlanSummary = {
  creates: 0,
  updates: 0,
  deletes: 0,
  unchanged: 0,
  failed: 0,
  deferred: 0,
};

const COUNTER: Record<ChangeKind, keyof PlanSummary> = {
  [ChangeKind.Create]: 'creates',
  [ChangeKind.Update]: 'updates',
  [ChangeKind.Delete]: 'deletes',
  [ChangeKind.Unchanged]: 'unchanged',
  [ChangeKind.Failed]: 'failed',
  [ChangeKind.Deferred]: 'deferred',
};

/** The running summary plus one page of changes (a new object; the input is not touched). */
export function summarizeChanges(
  changes: readonly DealChange[],
  summary: PlanSummary = EMPTY_PLAN_SUMMARY,
): PlanSummary {
  const counts = { ...summary };
  for (const change of changes) {
    counts[COUNTER[change.kind]] += 1;
  }
  return counts;
}

import { RunStatus } from '../persistence/entities/sync-run.entity.js';
import type { RunCounters } from '../persistence/sync-run.repository.js';
import type { DeleteGuardTrip } from './plan/delete-plan.js';

export interface RunFacts {
  readonly counters: RunCounters;
  readonly dryRun: boolean;
  readonly cancelled: boolean;
  /** The process is shutting down and the run stopped early. */
  readonly stopped: boolean;
  /** Operations still open at the end (unknown outcome): the next run resumes them. */
  readonly openLeft: number;
  readonly guard: DeleteGuardTrip | null;
  /** A run-level failure (ERP unreachable, Bitrix24 authorization, a bug). */
  readonly error: string | null;
}

export interface RunVerdict {
  readonly status: RunStatus;
  readonly error: string | null;
  /** Whether the mapping's cursor may move to what this run read. */
  readonly advanceCursor: boolean;
}

/** How a run ends, from what happened (pure). */
export function runVerdict(facts: RunFacts): RunVerdict {
  if (facts.error !== null) {
    return { status: RunStatus.Failed, error: facts.error, advanceCursor: false };
  }
  if (facts.cancelled) {
    return { status: RunStatus.Cancelled, error: 'cancelled by an operator', advanceCursor: false };
  }
  if (facts.stopped) {
    return {
      status: RunStatus.Cancelled,
      error: 'stopped by shutdown; the next run resumes its open operations',
      advanceCursor: false,
    };
  }
  if (facts.guard !== null) {
    return { status: RunStatus.Failed, error: facts.guard.message, advanceCursor: !facts.dryRun };
  }
  if (facts.openLeft > 0) {
    return {
      status: RunStatus.PartiallyFailed,
      error: `${facts.openLeft} operation(s) got no answer from Bitrix24; the next run resolves them before resending`,
      advanceCursor: false,
    };
  }
  if (facts.counters.failed > 0) {
    return {
      status: RunStatus.PartiallyFailed,
      error: `${facts.counters.failed} row(s) failed; they are retried in later runs (see the operations)`,
      advanceCursor: !facts.dryRun,
    };
  }
  return { status: RunStatus.Succeeded, error: null, advanceCursor: !facts.dryRun };
}

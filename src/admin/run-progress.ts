import type { SyncRun } from '../persistence/entities/sync-run.entity.js';
import { RunStatus } from '../persistence/entities/sync-run.entity.js';
import { tallyRun } from '../sync/run-tally.js';
import type { RunProgressView } from './admin.responses.js';

export type RunProgressInput = Pick<
  SyncRun,
  'status' | 'planned' | 'applied' | 'failed' | 'startedAt' | 'finishedAt'
>;

/** Progress of a run from its counters (run-tally.ts's definition) and timestamps: rate over the elapsed time, ETA while running. */
export function computeRunProgress(run: RunProgressInput, now: Date): RunProgressView {
  const tally = tallyRun(run);
  const done = tally.applied + tally.failed;
  const remaining = tally.remaining;
  const running = run.status === RunStatus.Running;
  const end = running ? now : run.finishedAt;
  const elapsedMs = run.startedAt && end ? Math.max(0, end.getTime() - run.startedAt.getTime()) : null;
  const rate = elapsedMs !== null && elapsedMs > 0 && done > 0 ? done / (elapsedMs / 1000) : null;
  const eta = running && rate !== null ? remaining / rate : null;
  return {
    planned: tally.total,
    applied: tally.applied,
    failed: tally.failed,
    remaining,
    percent: tally.total > 0 ? round(tally.fraction * 100, 1) : null,
    ratePerSecond: rate === null ? null : round(rate, 2),
    etaSeconds: eta === null ? null : Math.ceil(eta),
    estimatedFinishAt: eta === null ? null : new Date(now.getTime() + Math.ceil(eta) * 1000).toISOString(),
    elapsedSeconds: elapsedMs === null ? null : round(elapsedMs / 1000, 1),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

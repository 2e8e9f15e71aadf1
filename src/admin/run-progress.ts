import type { SyncRun } from '../persistence/entities/sync-run.entity.js';
import { RunStatus } from '../persistence/entities/sync-run.entity.js';
import type { RunProgressView } from './admin.responses.js';

export type RunProgressInput = Pick<
  SyncRun,
  'status' | 'planned' | 'applied' | 'failed' | 'startedAt' | 'finishedAt'
>;

/** Progress of a run from its counters and timestamps: rate over the elapsed time, ETA while running. */
export function computeRunProgress(run: RunProgressInput, now: Date): RunProgressView {
  const done = run.applied + run.failed;
  const remaining = Math.max(0, run.planned - done);
  const running = run.status === RunStatus.Running;
  const end = running ? now : run.finishedAt;
  const elapsedMs = run.startedAt && end ? Math.max(0, end.getTime() - run.startedAt.getTime()) : null;
  const rate = elapsedMs !== null && elapsedMs > 0 && done > 0 ? done / (elapsedMs / 1000) : null;
  const eta = running && rate !== null ? remaining / rate : null;
  return {
    planned: run.planned,
    applied: run.applied,
    failed: run.failed,
    remaining,
    percent: run.planned > 0 ? round(Math.min(100, (done / run.planned) * 100), 1) : null,
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

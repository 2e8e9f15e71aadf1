import { tallyRun } from '../sync/run-tally.js';

/** What a progress line needs from a run. */
export interface ProgressSnapshot {
  readonly planned: number;
  readonly applied: number;
  readonly failed: number;
  readonly rowsRead: number;
  /** Seconds since the run started applying. */
  readonly elapsedSeconds: number;
}

export interface ProgressFigures {
  readonly fraction: number;
  /** Operations finished (applied or failed) per second so far; null before any. */
  readonly rate: number | null;
  /** Seconds left at the current rate; null when unknown. */
  readonly etaSeconds: number | null;
}

/** Failed rows are finished work (run-tally.ts): a run whose last rows failed still ends at 100 %. */
export function progressFigures(snapshot: ProgressSnapshot): ProgressFigures {
  const tally = tallyRun(snapshot);
  const done = tally.applied + tally.failed;
  const rate = done > 0 && snapshot.elapsedSeconds > 0 ? done / snapshot.elapsedSeconds : null;
  const etaSeconds = rate === null ? null : tally.remaining / rate;
  return { fraction: tally.fraction, rate, etaSeconds };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) {
    return '--:--';
  }
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(secs).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}

/** `[██████░░░░] 60% 600/1000 deals · 98.5/s · ETA 00:04 · 3 failed · 5000 rows read` */
export function formatProgressLine(snapshot: ProgressSnapshot, barWidth = 24): string {
  const { fraction, rate, etaSeconds } = progressFigures(snapshot);
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]`;
  return [
    `${bar} ${String(Math.floor(fraction * 100)).padStart(3)}% ${snapshot.applied}/${snapshot.planned} deals`,
    rate === null ? '-/s' : `${rate.toFixed(1)}/s`,
    `ETA ${formatDuration(etaSeconds)}`,
    `${snapshot.failed} failed`,
    `${snapshot.rowsRead} rows read`,
  ].join(' · ');
}

import { describe, expect, it } from '@jest/globals';
import { RunStatus } from '../persistence/entities/sync-run.entity.js';
import { computeRunProgress, type RunProgressInput } from './run-progress.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const secondsBefore = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

function run(overrides: Partial<RunProgressInput>): RunProgressInput {
  return {
    status: RunStatus.Running,
    planned: 0,
    applied: 0,
    failed: 0,
    startedAt: secondsBefore(100),
    finishedAt: null,
    ...overrides,
  };
}

describe(computeRunProgress.name, () => {
  it.each([
    [
      'a running run: rate over the time since start, ETA for the rest',
      run({ planned: 100, applied: 40, failed: 10 }),
      {
        remaining: 50,
        percent: 50,
        ratePerSecond: 0.5,
        etaSeconds: 100,
        estimatedFinishAt: '2026-03-01T12:01:40.000Z',
        elapsedSeconds: 100,
      },
    ],
    [
      'a running run that has not finished an operation yet: no rate, no ETA',
      run({ planned: 20 }),
      { remaining: 20, percent: 0, ratePerSecond: null, etaSeconds: null, estimatedFinishAt: null },
    ],
    [
      'a run still planning: no percentage',
      run({ planned: 0 }),
      { remaining: 0, percent: null, ratePerSecond: null, etaSeconds: null },
    ],
    [
      'a queued run: nothing elapsed',
      run({ status: RunStatus.Queued, startedAt: null }),
      { elapsedSeconds: null, ratePerSecond: null, etaSeconds: null },
    ],
    [
      'a finished run: average rate over its duration, no ETA',
      run({ status: RunStatus.Succeeded, planned: 30, applied: 30, finishedAt: secondsBefore(40) }),
      { remaining: 0, percent: 100, ratePerSecond: 0.5, etaSeconds: null, elapsedSeconds: 60 },
    ],
    [
      'a run that applied more than planned (a retry within the run) caps at 100%',
      run({ planned: 10, applied: 12 }),
      { remaining: 0, percent: 100, etaSeconds: 0 },
    ],
    [
      'an ETA rounds up to whole seconds',
      run({ planned: 10, applied: 3, startedAt: secondsBefore(10) }),
      { ratePerSecond: 0.3, etaSeconds: 24 },
    ],
  ])('%s', (_case, input, expected) => {
    expect(computeRunProgress(input, NOW)).toMatchObject(expected);
  });
});

import { describe, expect, it } from '@jest/globals';
import { formatDuration, formatProgressLine, progressFigures } from './run-progress.js';

const snapshot = { planned: 1000, applied: 597, failed: 3, rowsRead: 5000, elapsedSeconds: 6 };

describe(progressFigures.name, () => {
  it.each([
    ['half way', snapshot, { fraction: 0.6, rate: 100, etaSeconds: 4 }],
    [
      'before any write',
      { ...snapshot, applied: 0, failed: 0 },
      { fraction: 0, rate: null, etaSeconds: null },
    ],
    [
      'nothing planned',
      { ...snapshot, planned: 0, applied: 0, failed: 0 },
      { fraction: 0, rate: null, etaSeconds: null },
    ],
    ['done', { ...snapshot, applied: 997 }, { fraction: 1, rate: 1000 / 6, etaSeconds: 0 }],
    [
      'done with the last rows failed',
      { ...snapshot, applied: 900, failed: 100 },
      { fraction: 1, rate: 1000 / 6, etaSeconds: 0 },
    ],
  ])('computes %s', (_case, input, expected) => {
    expect(progressFigures(input)).toEqual(expected);
  });
});

describe(formatDuration.name, () => {
  it.each([
    [null, '--:--'],
    [4.4, '00:04'],
    [61, '01:01'],
    [3725, '1:02:05'],
  ])('formats %p as %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe(formatProgressLine.name, () => {
  it('shows the bar, counts, rate, ETA and failures', () => {
    expect(formatProgressLine(snapshot, 10)).toBe(
      '[██████░░░░]  60% 597/1000 deals · 100.0/s · ETA 00:04 · 3 failed · 5000 rows read',
    );
  });
});

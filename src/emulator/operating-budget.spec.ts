import { describe, expect, it } from '@jest/globals';
import { OperatingBudget } from './operating-budget.js';

const budget = (limitSeconds = 10) => new OperatingBudget({ limitSeconds, minRecordedSeconds: 0.1 });

describe(OperatingBudget.name, () => {
  it('sums recorded time per key over the window', () => {
    const b = budget();
    b.record('a', 2, 0);
    b.record('a', 3, 130);
    b.record('b', 4, 130);
    expect(b.operating('a', 200)).toBe(5);
    expect(b.operating('b', 200)).toBe(4);
  });

  it.each([0.1, 0.05, 0])('ignores a request sum of %s s (only > 0.1 s counts)', (seconds) => {
    const b = budget();
    b.record('a', seconds, 0);
    expect(b.operating('a', 1)).toBe(0);
  });

  it('blocks only when the sum exceeds the limit', () => {
    const b = budget(1);
    b.record('a', 1, 0);
    expect(b.isBlocked('a', 1)).toBe(false);
    b.record('a', 0.2, 1);
    expect(b.isBlocked('a', 1)).toBe(true);
  });

  it('drops one-minute buckets ten minutes after they start and reports that as the reset time', () => {
    const b = budget(1);
    b.record('a', 2, 65);
    b.record('a', 0.5, 130);
    expect(b.resetAt('a', 131)).toBe(60 + 600);
    expect(b.isBlocked('a', 659)).toBe(true);
    expect(b.operating('a', 660)).toBe(0.5);
    expect(b.isBlocked('a', 660)).toBe(false);
    expect(b.resetAt('a', 660)).toBe(120 + 600);
    expect(b.resetAt('a', 721)).toBeUndefined();
  });

  it('forgets everything on clear', () => {
    const b = budget();
    b.record('a', 5, 0);
    b.clear();
    expect(b.operating('a', 0)).toBe(0);
  });
});

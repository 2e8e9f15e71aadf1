import { describe, expect, it } from '@jest/globals';
import { tallyOperations, tallyRun } from './run-tally.js';

const none = { planned: 0, pending: 0, in_flight: 0, succeeded: 0, failed: 0, parked: 0 };

describe(tallyRun.name, () => {
  it.each([
    ['half way', { planned: 100, applied: 40, failed: 10 }, { total: 100, remaining: 50, fraction: 0.5 }],
    [
      'every row failed: finished, not stuck',
      { planned: 10, applied: 0, failed: 10 },
      { remaining: 0, fraction: 1 },
    ],
    [
      'failures before planning count in the total',
      { planned: 10, applied: 10, failed: 5 },
      { total: 15, remaining: 0, fraction: 1 },
    ],
    ['nothing planned', { planned: 0, applied: 0, failed: 0 }, { total: 0, remaining: 0, fraction: 0 }],
  ])('%s', (_case, counters, expected) => {
    expect(tallyRun(counters)).toMatchObject(expected);
  });
});

describe(tallyOperations.name, () => {
  it('counts succeeded as applied, failed and parked as failed, pending and in flight as remaining', () => {
    expect(
      tallyOperations({ ...none, pending: 3, in_flight: 2, succeeded: 10, failed: 4, parked: 1 }),
    ).toEqual({
      total: 20,
      applied: 10,
      failed: 5,
      remaining: 5,
      fraction: 0.75,
    });
  });

  it("counts a dry run's planned operations as done", () => {
    expect(tallyOperations({ ...none, planned: 8, failed: 2 })).toMatchObject({
      total: 10,
      remaining: 0,
      fraction: 1,
    });
  });
});

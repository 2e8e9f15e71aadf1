import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';

describe(backoffDelayMs.name, () => {
  it.each([
    { retry: 1, random: 0, expected: 250 },
    { retry: 1, random: 0.999999, expected: 500 },
    { retry: 2, random: 0, expected: 500 },
    { retry: 3, random: 0.5, expected: 1500 },
    { retry: 7, random: 0, expected: 15_000 },
    { retry: 20, random: 0.999999, expected: 30_000 },
  ])('retry $retry with random $random waits $expected ms', ({ retry, random, expected }) => {
    expect(backoffDelayMs(retry, DEFAULT_BACKOFF, () => random)).toBe(expected);
  });

  it('never waits less than half the step, so retries are never immediate', () => {
    for (let retry = 1; retry < 10; retry++) {
      expect(backoffDelayMs(retry, DEFAULT_BACKOFF, () => 0)).toBeGreaterThanOrEqual(250);
    }
  });
});

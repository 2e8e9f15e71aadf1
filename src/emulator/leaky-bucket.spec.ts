import { describe, expect, it } from '@jest/globals';
import {
  admitRequest,
  drainBucket,
  emptyBucket,
  validateRateLimit,
  type LeakyBucketState,
} from './leaky-bucket.js';

const limits = { drainPerSecond: 2, capacity: 50 };

function run(state: LeakyBucketState, times: number[]): { admitted: boolean[]; state: LeakyBucketState } {
  const admitted: boolean[] = [];
  let current = state;
  for (const t of times) {
    const step = admitRequest(current, limits, t);
    admitted.push(step.admitted);
    current = step.state;
  }
  return { admitted, state: current };
}

describe('leaky bucket', () => {
  it('admits a burst of exactly the capacity at one instant', () => {
    const { admitted } = run(emptyBucket(0), Array<number>(51).fill(0));
    expect(admitted.filter(Boolean)).toHaveLength(50);
    expect(admitted[50]).toBe(false);
  });

  it.each([
    [500, 1],
    [1000, 2],
    [2500, 5],
    [25_000, 50],
  ])('frees room for drain × elapsed after %i ms (%i requests)', (elapsedMs, room) => {
    const full = run(emptyBucket(0), Array<number>(50).fill(0)).state;
    const { admitted } = run(full, Array<number>(room + 1).fill(elapsedMs));
    expect(admitted.filter(Boolean)).toHaveLength(room);
  });

  it('does not fill with rejected requests', () => {
    const full = run(emptyBucket(0), Array<number>(50).fill(0)).state;
    const after = run(full, Array<number>(100).fill(0)).state;
    expect(after.level).toBe(50);
  });

  it('never drains below zero and never runs backwards in time', () => {
    expect(drainBucket({ level: 3, atMs: 0 }, limits, 60_000).level).toBe(0);
    expect(drainBucket({ level: 3, atMs: 1000 }, limits, 0).level).toBe(3);
  });

  it.each([
    [{ drainPerSecond: 0, capacity: 50 }, 'drainPerSecond'],
    [{ drainPerSecond: 2, capacity: 0 }, 'capacity'],
    [{ drainPerSecond: 2, capacity: 1.5 }, 'capacity'],
  ])('rejects invalid limits %j', (bad, name) => {
    expect(() => validateRateLimit(bad)).toThrow(name);
  });
});

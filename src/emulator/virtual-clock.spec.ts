import { describe, expect, it } from '@jest/globals';
import { VirtualClock } from './virtual-clock.js';

describe(VirtualClock.name, () => {
  it('runs speed times faster than the injected real clock and keeps elapsed time across speed changes', () => {
    let real = 1_000;
    const clock = new VirtualClock(10, () => real);
    real += 100;
    expect(clock.nowMs()).toBe(2_000);
    clock.setSpeed(1);
    real += 100;
    expect(clock.nowMs()).toBe(2_100);
    clock.advance(5_000);
    expect(clock.nowMs()).toBe(7_100);
    expect(clock.realMsFor(1_000)).toBe(1_000);
  });

  it('refuses a non-positive speed and a backwards jump', () => {
    expect(() => new VirtualClock(0)).toThrow('clockSpeed');
    expect(() => new VirtualClock(1).advance(-1)).toThrow('advance');
  });
});

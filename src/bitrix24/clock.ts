import { setTimeout as sleepFor } from 'node:timers/promises';

/** Time as the client sees it, in milliseconds. Injected so limiter specs run without real sleeps. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => (ms > 0 ? sleepFor(ms) : Promise.resolve()),
};

/**
 * A clock running `speed` times faster than real time, for benchmarks and specs against the emulator
 * with `clockSpeed`: the client keeps the portal's limits in portal seconds and only its sleeps shrink.
 */
export function scaledClock(speed: number, base: Clock = systemClock): Clock {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new RangeError(`clock speed must be a positive finite number, got ${speed}`);
  }
  const realStart = base.now();
  return {
    now: () => realStart + (base.now() - realStart) * speed,
    sleep: (ms) => base.sleep(ms / speed),
  };
}

/** Milliseconds since the epoch, as the emulator sees them. */
export interface Clock {
  nowMs(): number;
}

/**
 * Virtual time running `speed` times faster than real time. Every time-based behaviour of the
 * emulator (bucket drain, operating windows, token lifetimes, DATE_MODIFY) reads this clock, so a
 * test can compress minutes into seconds without changing any arithmetic.
 */
export class VirtualClock implements Clock {
  #realBase: number;
  #virtualBase: number;
  #speed: number;
  readonly #realNow: () => number;

  constructor(speed = 1, realNow: () => number = Date.now) {
    assertSpeed(speed);
    this.#realNow = realNow;
    this.#realBase = realNow();
    this.#virtualBase = this.#realBase;
    this.#speed = speed;
  }

  get speed(): number {
    return this.#speed;
  }

  nowMs(): number {
    return this.#virtualBase + (this.#realNow() - this.#realBase) * this.#speed;
  }

  /** Changes the speed from now on; virtual time already elapsed is kept. */
  setSpeed(speed: number): void {
    assertSpeed(speed);
    this.#virtualBase = this.nowMs();
    this.#realBase = this.#realNow();
    this.#speed = speed;
  }

  /** Jumps virtual time forward (never backward). */
  advance(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`advance needs a non-negative number of milliseconds, got ${ms}`);
    }
    this.#virtualBase += ms;
  }

  /** Real milliseconds needed for `virtualMs` of virtual time to pass. */
  realMsFor(virtualMs: number): number {
    return virtualMs / this.#speed;
  }
}

function assertSpeed(speed: number): void {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new RangeError(`clockSpeed must be a positive finite number, got ${speed}`);
  }
}

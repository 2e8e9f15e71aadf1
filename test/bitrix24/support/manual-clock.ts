import type { Clock } from '../../../src/bitrix24/clock.js';

/** A clock that only moves when told; sleepers wake in time order as it passes their deadline. */
export class ManualClock implements Clock {
  #now = 0;
  #sleepers: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#sleepers.push({ at: this.#now + Math.max(0, ms), wake: resolve });
    });
  }

  /** Moves time forward step by step, letting woken work run before the next sleeper is due. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      this.#sleepers.sort((a, b) => a.at - b.at);
      const next = this.#sleepers[0];
      if (!next || next.at > target) {
        break;
      }
      this.#sleepers.shift();
      this.#now = next.at;
      next.wake();
    }
    this.#now = target;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
  }
  await new Promise((resolve) => setImmediate(resolve));
}

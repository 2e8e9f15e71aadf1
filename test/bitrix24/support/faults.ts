import type { FaultOptions, RunningEmulator } from '../../../src/emulator/index.js';
import { seededRandom } from '../../../src/emulator/faults.js';

const NO_FAULTS = { dropRate: 0, commitThenDropRate: 0, serverErrorRate: 0, latencyMs: 0 };

/** Sets exactly these faults (the emulator merges patches, so every rate is given). */
export function setOnlyFaults(emulator: RunningEmulator, faults: FaultOptions = {}): void {
  emulator.setFaults({ ...NO_FAULTS, ...faults });
}

/**
 * A fault seed whose first requests meet the wish: `faulted[i]` says whether request i should hit the
 * fault of a rate-`rate` fault kind (the emulator draws two numbers per request, the first decides).
 */
export function seedFor(rate: number, faulted: readonly boolean[]): number {
  for (let seed = 1; seed < 100_000; seed++) {
    const random = seededRandom(seed);
    const matches = faulted.every((wanted) => {
      const roll = random();
      random();
      return roll < rate === wanted;
    });
    if (matches) {
      return seed;
    }
  }
  throw new Error('no seed found');
}

/** Failures injected into /rest requests; changeable at run time. */
export interface FaultOptions {
  /** Share of requests whose connection is destroyed before processing. @default 0 */
  dropRate?: number;
  /** Share of requests that run (writes applied) and then lose their response (socket destroyed). @default 0 */
  commitThenDropRate?: number;
  /** Share of requests answered 500 (JSON ERROR_CORE) or 502 (HTML proxy page), half each, without running. @default 0 */
  serverErrorRate?: number;
  /** Extra real milliseconds before answering each request. @default 0 */
  latencyMs?: number;
  /** Seed of the fault sequence; equal seeds and request order give equal faults. @default 1 */
  seed?: number;
}

export type FaultDecision = 'none' | 'drop' | 'commit-then-drop' | 'error-500' | 'error-502';

export interface ResolvedFaults {
  dropRate: number;
  commitThenDropRate: number;
  serverErrorRate: number;
  latencyMs: number;
  seed: number;
}

export function resolveFaults(options: FaultOptions = {}): ResolvedFaults {
  const rate = (name: string, value: number | undefined) => {
    const v = value ?? 0;
    if (!(v >= 0 && v <= 1)) {
      throw new RangeError(`faults.${name} must be between 0 and 1, got ${v}`);
    }
    return v;
  };
  const resolved = {
    dropRate: rate('dropRate', options.dropRate),
    commitThenDropRate: rate('commitThenDropRate', options.commitThenDropRate),
    serverErrorRate: rate('serverErrorRate', options.serverErrorRate),
    latencyMs: Math.max(0, options.latencyMs ?? 0),
    seed: options.seed ?? 1,
  };
  if (resolved.dropRate + resolved.commitThenDropRate + resolved.serverErrorRate > 1) {
    throw new RangeError('faults: dropRate + commitThenDropRate + serverErrorRate must not exceed 1');
  }
  return resolved;
}

/** mulberry32: a small deterministic PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws the fate of one request; two draws per request keep the sequence aligned whatever the rates. */
export class FaultPlan {
  #faults: ResolvedFaults;
  #random: () => number;

  constructor(faults: ResolvedFaults) {
    this.#faults = faults;
    this.#random = seededRandom(faults.seed);
  }

  get faults(): ResolvedFaults {
    return this.#faults;
  }

  /** Replaces the rates; a seed given again (even the same one) restarts the sequence. */
  update(faults: ResolvedFaults, seedGiven: boolean): void {
    if (seedGiven || faults.seed !== this.#faults.seed) {
      this.#random = seededRandom(faults.seed);
    }
    this.#faults = faults;
  }

  next(): FaultDecision {
    const roll = this.#random();
    const flavour = this.#random();
    const { dropRate, commitThenDropRate, serverErrorRate } = this.#faults;
    if (roll < dropRate) {
      return 'drop';
    }
    if (roll < dropRate + commitThenDropRate) {
      return 'commit-then-drop';
    }
    if (roll < dropRate + commitThenDropRate + serverErrorRate) {
      return flavour < 0.5 ? 'error-500' : 'error-502';
    }
    return 'none';
  }
}

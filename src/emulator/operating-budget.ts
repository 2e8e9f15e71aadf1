/**
 * Per-method execution-time budget ("operating" limit), bitrix24-api.md §3.2: time is summed per key
 * (auth type, credential, method) into one-minute buckets that live ten minutes; a key whose window
 * sum exceeds the limit is blocked until enough buckets age out. Times are virtual seconds.
 */
export interface OperatingBudgetLimits {
  /** Window sum above which a method is blocked. @default 480 */
  limitSeconds: number;
  /** Only per-request sums above this are recorded (server code: 0.1 s). @default 0.1 */
  minRecordedSeconds: number;
}

const BUCKET_SECONDS = 60;
const BUCKET_COUNT = 10;
export const OPERATING_WINDOW_SECONDS = BUCKET_SECONDS * BUCKET_COUNT;

export class OperatingBudget {
  readonly #buckets = new Map<string, Map<number, number>>();
  #limits: OperatingBudgetLimits;

  constructor(limits: OperatingBudgetLimits) {
    this.#limits = limits;
  }

  setLimits(limits: OperatingBudgetLimits): void {
    this.#limits = limits;
  }

  get limits(): OperatingBudgetLimits {
    return this.#limits;
  }

  /** Records one request's summed time for a key; sums at or below the threshold are ignored. */
  record(key: string, seconds: number, nowSeconds: number): void {
    if (!(seconds > this.#limits.minRecordedSeconds)) {
      return;
    }
    const buckets = this.#live(key, nowSeconds);
    const bucket = Math.floor(nowSeconds / BUCKET_SECONDS) * BUCKET_SECONDS;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + seconds);
    this.#buckets.set(key, buckets);
  }

  /** Window sum for a key (the `time.operating` value). */
  operating(key: string, nowSeconds: number): number {
    let sum = 0;
    for (const seconds of this.#live(key, nowSeconds).values()) {
      sum += seconds;
    }
    return roundSeconds(sum);
  }

  isBlocked(key: string, nowSeconds: number): boolean {
    return this.operating(key, nowSeconds) > this.#limits.limitSeconds;
  }

  /** When the oldest counted bucket leaves the window; undefined when nothing is counted. */
  resetAt(key: string, nowSeconds: number): number | undefined {
    const starts = [...this.#live(key, nowSeconds).keys()];
    return starts.length === 0 ? undefined : Math.min(...starts) + OPERATING_WINDOW_SECONDS;
  }

  clear(): void {
    this.#buckets.clear();
  }

  #live(key: string, nowSeconds: number): Map<number, number> {
    const buckets = this.#buckets.get(key) ?? new Map<number, number>();
    for (const start of buckets.keys()) {
      if (start + OPERATING_WINDOW_SECONDS <= nowSeconds) {
        buckets.delete(start);
      }
    }
    return buckets;
  }
}

function roundSeconds(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

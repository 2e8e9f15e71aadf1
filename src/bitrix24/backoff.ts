export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. @default 500 */
  readonly baseMs: number;
  /** Upper bound of any delay. @default 30000 */
  readonly maxMs: number;
  /** Growth per retry. @default 2 */
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, factor: 2 };

/**
 * Exponential backoff with "equal jitter": half of the step is fixed, half random, so retries of many
 * callers spread out but never fire immediately. `retry` counts from 1; `random` returns [0, 1).
 */
export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxMs, policy.baseMs * policy.factor ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

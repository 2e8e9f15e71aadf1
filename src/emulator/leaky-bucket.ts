/** Request-rate limit of one portal: the counter grows by one per request and drains continuously. */
export interface LeakyBucketLimits {
  /** Requests drained per virtual second. @default 2 */
  drainPerSecond: number;
  /** Requests the bucket holds; a request that would overflow it is rejected. @default 50 */
  capacity: number;
}

export interface LeakyBucketState {
  level: number;
  atMs: number;
}

export const DEFAULT_RATE_LIMIT: LeakyBucketLimits = { drainPerSecond: 2, capacity: 50 };

export function emptyBucket(nowMs: number): LeakyBucketState {
  return { level: 0, atMs: nowMs };
}

export function drainBucket(
  state: LeakyBucketState,
  limits: LeakyBucketLimits,
  nowMs: number,
): LeakyBucketState {
  const elapsedSeconds = Math.max(0, nowMs - state.atMs) / 1000;
  return { level: Math.max(0, state.level - elapsedSeconds * limits.drainPerSecond), atMs: nowMs };
}

/**
 * Admits one request if it fits. A rejected request does not fill the bucket: the cloud limiter is
 * closed source and whether rejections count is undocumented (bitrix24-api.md §3.1); the emulator
 * takes the conservative reading stated in docs/emulator.md.
 */
export function admitRequest(
  state: LeakyBucketState,
  limits: LeakyBucketLimits,
  nowMs: number,
): { admitted: boolean; state: LeakyBucketState } {
  const drained = drainBucket(state, limits, nowMs);
  if (drained.level + 1 > limits.capacity + 1e-9) {
    return { admitted: false, state: drained };
  }
  return { admitted: true, state: { level: drained.level + 1, atMs: nowMs } };
}

export function validateRateLimit(limits: LeakyBucketLimits): LeakyBucketLimits {
  if (!(limits.drainPerSecond > 0) || !Number.isFinite(limits.drainPerSecond)) {
    throw new RangeError(`rateLimit.drainPerSecond must be a positive number, got ${limits.drainPerSecond}`);
  }
  if (!Number.isInteger(limits.capacity) || limits.capacity < 1) {
    throw new RangeError(`rateLimit.capacity must be a positive integer, got ${limits.capacity}`);
  }
  return { drainPerSecond: limits.drainPerSecond, capacity: limits.capacity };
}

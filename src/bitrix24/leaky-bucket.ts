/**
 * Our model of the portal's request counter (bitrix24-api.md §3.1): every request adds one, the counter
 * drains `drainPerSecond` per second, and a request that would take it above `capacity` is answered
 * QUERY_LIMIT_EXCEEDED. Pure arithmetic over an injected `now` (milliseconds).
 */
export interface BucketLimits {
  /** Requests the portal drains per second. @default 2 */
  readonly drainPerSecond: number;
  /** Requests the portal's bucket holds. @default 50 */
  readonly capacity: number;
}

export interface BucketModel {
  /** Requests in the bucket at `atMs`. */
  readonly level: number;
  readonly atMs: number;
}

const EPSILON = 1e-9;

export function emptyBucket(nowMs: number): BucketModel {
  return { level: 0, atMs: nowMs };
}

export function levelAt(model: BucketModel, limits: BucketLimits, nowMs: number): number {
  const elapsedSeconds = Math.max(0, nowMs - model.atMs) / 1000;
  return Math.max(0, model.level - elapsedSeconds * limits.drainPerSecond);
}

/** The level a request may take the bucket to: `safetyMargin` requests of room kept against jitter. */
export function bucketCeiling(limits: BucketLimits, safetyMargin: number): number {
  return Math.max(1, limits.capacity - safetyMargin);
}

/**
 * How long to wait before one more request fits while keeping `safetyMargin` requests of room
 * (it absorbs jitter between our send time and the portal's arrival time). 0 = send now.
 */
export function roomDelayMs(
  model: BucketModel,
  limits: BucketLimits,
  nowMs: number,
  safetyMargin: number,
): number {
  const excess = levelAt(model, limits, nowMs) + 1 - bucketCeiling(limits, safetyMargin);
  if (excess <= EPSILON) {
    return 0;
  }
  return Math.ceil((excess / limits.drainPerSecond) * 1000 - 1e-6);
}

/**
 * Takes room for up to `slots` requests at once (as many whole requests as fit under `ceiling`, at
 * least none): the model drained to `nowMs` plus the granted requests. A clock behind the model's
 * (another process's) drains nothing and never moves the model back.
 */
export function takeRoom(
  model: BucketModel,
  limits: BucketLimits,
  nowMs: number,
  ceiling: number,
  slots: number,
): { granted: number; model: BucketModel } {
  const level = levelAt(model, limits, nowMs);
  const granted = Math.max(0, Math.min(slots, Math.floor(ceiling - level + EPSILON)));
  return { granted, model: { level: level + granted, atMs: Math.max(model.atMs, nowMs) } };
}

/** The portal said QUERY_LIMIT_EXCEEDED: whatever we believed, its bucket is full right now. */
export function recordRejection(limits: BucketLimits, nowMs: number): BucketModel {
  return { level: limits.capacity, atMs: nowMs };
}

/**
 * The shortest time in which `requests` requests can all be sent starting from an empty bucket:
 * the first `capacity` at once, then one per drain interval. The benchmark's efficiency is this ÷ observed.
 */
export function minimumDurationMs(requests: number, limits: BucketLimits): number {
  return (Math.max(0, requests - limits.capacity) / limits.drainPerSecond) * 1000;
}

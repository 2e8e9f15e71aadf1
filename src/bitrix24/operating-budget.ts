/**
 * Per-method execution-time budget ("operating" limit, bitrix24-api.md §3.2): the portal sums each
 * method's execution time over a 10-minute window and answers OPERATION_TIME_LIMIT once the sum is
 * above the limit. Every response carries `time.operating` (the sum) and `time.operating_reset_at`
 * (when the oldest minute leaves the window); we slow a method down before it gets there.
 * Pure functions over an injected `now` (milliseconds, our clock).
 */
export interface OperatingPolicy {
  /** Seconds of execution per method per window before the portal blocks it. @default 480 */
  readonly limitSeconds: number;
  /** Share of the limit above which calls of the method are spaced out. @default 0.8 */
  readonly slowDownRatio: number;
  /** Length of the portal's window in seconds. @default 600 */
  readonly windowSeconds: number;
  /** Extra wait after `operating_reset_at` before the method is used again. @default 1000 */
  readonly resumeGraceMs: number;
  /** Pause after OPERATION_TIME_LIMIT when no reset time was ever seen. @default 60000 */
  readonly blockedFallbackMs: number;
  /** How often a waiting call looks again while a probe (first call, or first after a reset) is out. @default 50 */
  readonly probeWaitMs: number;
}

export const DEFAULT_OPERATING_POLICY: OperatingPolicy = {
  limitSeconds: 480,
  slowDownRatio: 0.8,
  windowSeconds: 600,
  resumeGraceMs: 1000,
  blockedFallbackMs: 60_000,
  probeWaitMs: 50,
};

export interface MethodOperating {
  /** Last `time.operating` seen for the method, seconds. */
  readonly operatingSeconds: number;
  /** Our-clock time of the last `operating_reset_at`; undefined when the portal gave none. */
  readonly resetAtMs: number | undefined;
  /** Latest positive growth of `operating` between two responses: what one more call may cost. */
  readonly lastCostSeconds: number;
  /** Set after OPERATION_TIME_LIMIT: no call before this time. */
  readonly blockedUntilMs: number | undefined;
  /** Portal time of the sample this state comes from; older samples (answers overtaking each other) are ignored. */
  readonly portalAt: number | undefined;
}

/** Our own traffic for the method: when the last call left, and how many have not answered yet. */
export interface MethodTraffic {
  readonly lastSentAtMs: number | undefined;
  readonly inFlight: number;
}

/** One `time` object of a response (or of a batch sub-result). Numbers may be int or float. */
export interface OperatingSample {
  readonly operating: number;
  /** `operating_reset_at`, portal unix seconds. */
  readonly resetAt: number | undefined;
  /** The portal's clock for this response (`time.start`), unix seconds. */
  readonly portalNow: number | undefined;
}

/** An answer without `time.operating` (on-premise, errors): the method is known, its budget is not tracked. */
export const UNTRACKED: MethodOperating = {
  operatingSeconds: 0,
  resetAtMs: undefined,
  lastCostSeconds: 0,
  blockedUntilMs: undefined,
  portalAt: undefined,
};

export function observeOperating(
  previous: MethodOperating | undefined,
  sample: OperatingSample | undefined,
  receivedAtMs: number,
): MethodOperating {
  if (sample === undefined) {
    return previous ?? UNTRACKED;
  }
  if (
    previous?.portalAt !== undefined &&
    sample.portalNow !== undefined &&
    sample.portalNow < previous.portalAt
  ) {
    return previous;
  }
  const growth = previous ? sample.operating - previous.operatingSeconds : sample.operating;
  // Reset times are portal clock; only their distance from the portal's own "now" is trusted.
  const resetAtMs =
    sample.resetAt !== undefined && sample.portalNow !== undefined
      ? receivedAtMs + (sample.resetAt - sample.portalNow) * 1000
      : undefined;
  return {
    operatingSeconds: sample.operating,
    resetAtMs,
    lastCostSeconds: growth > 0 ? growth : (previous?.lastCostSeconds ?? 0),
    // A newer answer means the portal ran the method again: any block is over.
    blockedUntilMs: undefined,
    portalAt: sample.portalNow ?? previous?.portalAt,
  };
}

/** The portal answered OPERATION_TIME_LIMIT: pause the method until its window frees up. */
export function markBlocked(
  previous: MethodOperating | undefined,
  nowMs: number,
  policy: OperatingPolicy,
): MethodOperating {
  const reset = previous?.resetAtMs;
  const until =
    reset !== undefined && reset > nowMs ? reset + policy.resumeGraceMs : nowMs + policy.blockedFallbackMs;
  return {
    operatingSeconds: Math.max(previous?.operatingSeconds ?? 0, policy.limitSeconds),
    resetAtMs: reset,
    lastCostSeconds: previous?.lastCostSeconds ?? 0,
    blockedUntilMs: until,
    portalAt: previous?.portalAt,
  };
}

/**
 * How long the next call of a method should wait. Before the first answer, and once the last seen
 * reset time has passed (the figure is stale), one call goes out as a probe and the others wait for its
 * answer. Blocked → until the block ends. Otherwise the calls still in flight are counted at the last seen cost; if one more would take
 * the sum over the limit → until the window resets. Above the slow-down share → calls are spaced
 * towards the pace the window sustains (cost × window ÷ limit).
 */
export function operatingDelayMs(
  state: MethodOperating | undefined,
  traffic: MethodTraffic,
  nowMs: number,
  policy: OperatingPolicy,
): number {
  if (!state) {
    // Nothing known before the first answer: one call goes first, so a queued burst cannot overshoot.
    return traffic.inFlight > 0 ? policy.probeWaitMs : 0;
  }
  if (state.blockedUntilMs !== undefined && state.blockedUntilMs > nowMs) {
    return state.blockedUntilMs - nowMs;
  }
  if (state.resetAtMs === undefined) {
    return 0;
  }
  if (state.resetAtMs <= nowMs || (state.blockedUntilMs !== undefined && state.blockedUntilMs <= nowMs)) {
    return traffic.inFlight > 0 ? policy.probeWaitMs : 0;
  }
  const projected = state.operatingSeconds + state.lastCostSeconds * traffic.inFlight;
  if (projected + state.lastCostSeconds > policy.limitSeconds) {
    return state.resetAtMs - nowMs + policy.resumeGraceMs;
  }
  const slowFrom = policy.limitSeconds * policy.slowDownRatio;
  if (projected <= slowFrom || traffic.lastSentAtMs === undefined) {
    return 0;
  }
  const ramp = Math.min(1, (projected - slowFrom) / (policy.limitSeconds - slowFrom));
  const sustainableSpacingMs = ((state.lastCostSeconds * policy.windowSeconds) / policy.limitSeconds) * 1000;
  return Math.max(0, Math.ceil(traffic.lastSentAtMs + sustainableSpacingMs * ramp - nowMs));
}

/** Seconds left before the portal would block the method (for metrics). */
export function operatingHeadroomSeconds(
  state: MethodOperating | undefined,
  policy: OperatingPolicy,
): number {
  return policy.limitSeconds - (state?.operatingSeconds ?? 0);
}

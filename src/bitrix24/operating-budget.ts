/**
 * Per-method execution-time budget ("operating" limit, bitrix24-api.md §3.2): the portal sums each
 * method's execution time over a 10-minute window and answers OPERATION_TIME_LIMIT once the sum is
 * above the limit. Every response carries `time.operating` (the sum) and `time.operating_reset_at`
 * (when the oldest minute leaves the window); we slow a method down before it gets there and never send
 * a request whose calls the remaining budget cannot pay for.
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

/** The portal's window is made of one-minute buckets (loadlimiter.php): a reset drops one of them. */
const BUCKET_MS = 60_000;
/** The method every `batch` request is charged to when the portal bills batches whole (jssdk#539). */
export const BATCH_METHOD = 'batch';

export interface MethodOperating {
  /** Last `time.operating` seen for the method, seconds. */
  readonly operatingSeconds: number;
  /** Our-clock time of the last `operating_reset_at`; undefined when the portal gave none. */
  readonly resetAtMs: number | undefined;
  /** What one call of the method costs, seconds: its reported duration, else the sum's growth per answer. */
  readonly callCostSeconds: number;
  /** Set after OPERATION_TIME_LIMIT: no call before this time. */
  readonly blockedUntilMs: number | undefined;
  /** Portal time of the sample this state comes from; older samples (answers overtaking each other) are ignored. */
  readonly portalAt: number | undefined;
}

/** Traffic for the method not yet in the portal's figure: when our last call left, and the cost still out. */
export interface MethodTraffic {
  readonly lastSentAtMs: number | undefined;
  /** Seconds of calls sent (by any process sharing the budget) and not yet answered. */
  readonly inFlightSeconds: number;
  /** Requests of the method sent and not yet answered (their cost may still be unknown). */
  readonly inFlightCalls: number;
}

/** One `time` object of a response (or of a batch sub-result). Numbers may be int or float. */
export interface OperatingSample {
  readonly operating: number;
  /** `operating_reset_at`, portal unix seconds. */
  readonly resetAt: number | undefined;
  /** The portal's clock for this response (`time.start`), unix seconds. */
  readonly portalNow: number | undefined;
  /** `time.duration` of this call, seconds: what the portal bills it (0 or absent when not reported). */
  readonly durationSeconds?: number;
}

/** An answer without `time.operating` (on-premise, errors): the method is known, its budget is not tracked. */
export const UNTRACKED: MethodOperating = {
  operatingSeconds: 0,
  resetAtMs: undefined,
  callCostSeconds: 0,
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
  // Reset times are portal clock; only their distance from the portal's own "now" is trusted.
  const resetAtMs =
    sample.resetAt !== undefined && sample.portalNow !== undefined
      ? receivedAtMs + (sample.resetAt - sample.portalNow) * 1000
      : undefined;
  return {
    operatingSeconds: sample.operating,
    resetAtMs,
    callCostSeconds: nextCallCost(previous, sample),
    // A newer answer means the portal ran the method again: any block is over.
    blockedUntilMs: undefined,
    portalAt: sample.portalNow ?? previous?.portalAt,
  };
}

/**
 * The call's own duration when the portal reports it (a batch sub-result's `time` too); otherwise the
 * sum's growth since the previous answer. Rises at once and falls only halfway per answer, since growth
 * understates a call whenever a minute left the window between two answers.
 */
function nextCallCost(previous: MethodOperating | undefined, sample: OperatingSample): number {
  const before = previous?.callCostSeconds ?? 0;
  // The first figure is the whole window's sum, not the growth from one call.
  const growth = previous?.portalAt === undefined ? 0 : sample.operating - previous.operatingSeconds;
  const measured =
    sample.durationSeconds !== undefined && sample.durationSeconds > 0
      ? sample.durationSeconds
      : growth > 0
        ? growth
        : undefined;
  if (measured === undefined) {
    return before;
  }
  return measured >= before ? measured : (before + measured) / 2;
}

/**
 * A request that may have run lost its answer (commit-then-drop, a cut-off): the portal billed it, yet no
 * figure says so. Its cost is added to the last figure until an answer brings a newer one; the sample time
 * moves on by a microsecond so the charge also wins when merged into the shared budget.
 */
export function chargeUnanswered(
  previous: MethodOperating | undefined,
  seconds: number,
): MethodOperating | undefined {
  if (previous?.portalAt === undefined || seconds <= 0) {
    return previous;
  }
  return {
    ...previous,
    operatingSeconds: previous.operatingSeconds + seconds,
    portalAt: previous.portalAt + UNANSWERED_SAMPLE_STEP_SECONDS,
  };
}

const UNANSWERED_SAMPLE_STEP_SECONDS = 1e-6;

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
    callCostSeconds: previous?.callCostSeconds ?? 0,
    blockedUntilMs: until,
    portalAt: previous?.portalAt,
  };
}

/**
 * What one request costs each budget it draws on, in seconds: every call of a method at that method's
 * call cost; the `batch` request itself at the sum of its commands (or its own last cost, if higher),
 * which covers both accountings (docs: nested calls billed; measured: the whole batch billed to `batch`).
 */
export function requestCosts(
  methods: readonly string[],
  stateOf: (method: string) => MethodOperating | undefined,
): Map<string, number> {
  const costs = new Map<string, number>();
  const [called, ...nested] = methods;
  for (const method of nested) {
    costs.set(method, (costs.get(method) ?? 0) + (stateOf(method)?.callCostSeconds ?? 0));
  }
  const own = stateOf(called)?.callCostSeconds ?? 0;
  const commands = [...costs.values()].reduce((sum, seconds) => sum + seconds, 0);
  costs.set(called, Math.max(own, called === BATCH_METHOD ? commands : 0) + (costs.get(called) ?? 0));
  return costs;
}

/**
 * How long a request costing `costSeconds` of this method should wait. Before the method's first
 * answer, and once the last seen reset time has passed (the figure is stale), one request goes first as
 * a probe and the others wait for its answer. Blocked → until the block ends. A request the budget
 * cannot pay for (last figure + cost still out + its own cost above the limit) waits for the window to
 * reset; past the reset the freed amount is unknown, so only a single call probes (the portal lets a call
 * through while the sum is within the limit) and a batch waits for one more minute to leave the window.
 * Above the slow-down share, requests are spaced towards the pace the window sustains (cost × window ÷
 * limit), reached when one more request would fill the budget.
 */
export function operatingDelayMs(
  state: MethodOperating | undefined,
  traffic: MethodTraffic,
  costSeconds: number,
  nowMs: number,
  policy: OperatingPolicy,
): number {
  const waitForProbe = traffic.inFlightCalls > 0 ? policy.probeWaitMs : 0;
  if (!state) {
    // Nothing known before the first answer: one request goes first, so a queued burst cannot overshoot.
    return waitForProbe;
  }
  if (state.blockedUntilMs !== undefined && state.blockedUntilMs > nowMs) {
    return state.blockedUntilMs - nowMs;
  }
  if (state.resetAtMs === undefined) {
    return 0;
  }
  // A block lasts at least until the reset it was based on, so a block that ended has a stale figure too.
  const stale = state.resetAtMs <= nowMs;
  const projected = state.operatingSeconds + traffic.inFlightSeconds;
  if (stale && waitForProbe > 0) {
    return waitForProbe;
  }
  if (projected + costSeconds > policy.limitSeconds + 1e-9) {
    if (!stale) {
      return state.resetAtMs - nowMs + policy.resumeGraceMs;
    }
    const singleCall = costSeconds <= state.callCostSeconds + 1e-9;
    return singleCall ? 0 : Math.max(0, state.resetAtMs + BUCKET_MS - nowMs);
  }
  return spacingDelayMs(projected, costSeconds, traffic.lastSentAtMs, nowMs, policy);
}

function spacingDelayMs(
  projected: number,
  costSeconds: number,
  lastSentAtMs: number | undefined,
  nowMs: number,
  policy: OperatingPolicy,
): number {
  const slowFrom = policy.limitSeconds * policy.slowDownRatio;
  if (projected <= slowFrom || lastSentAtMs === undefined) {
    return 0;
  }
  const full = Math.max(slowFrom + 1e-9, policy.limitSeconds - costSeconds);
  const ramp = Math.min(1, (projected - slowFrom) / (full - slowFrom));
  const sustainableSpacingMs = ((costSeconds * policy.windowSeconds) / policy.limitSeconds) * 1000;
  return Math.max(0, Math.ceil(lastSentAtMs + sustainableSpacingMs * ramp - nowMs));
}

/** Seconds left before the portal would block the method (for metrics). */
export function operatingHeadroomSeconds(
  state: MethodOperating | undefined,
  policy: OperatingPolicy,
): number {
  return policy.limitSeconds - (state?.operatingSeconds ?? 0);
}

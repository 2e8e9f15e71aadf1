import {
  emptyBucket,
  recordRejection,
  takeRoom,
  type BucketLimits,
  type BucketModel,
} from './leaky-bucket.js';
import type { MethodOperating } from './operating-budget.js';

/**
 * One portal's budget, shared by every process that talks to it (replicas, CLI runs, `check`): the
 * portal's leaky bucket (§3.1) and each method's operating budget (§3.2) are the portal's, not a
 * process's. `portal` is the portal host, never a credential. Times are the callers' clocks (ms), so
 * processes sharing a store need synchronised clocks (NTP); the safety margin absorbs small skew.
 * Implementations: `InProcessBudgetStore` (one process, tests, benchmarks) and the PostgreSQL one in
 * `persistence/portal-budget.repository.ts`.
 */
/** Nest token of the shared store (the persistence module provides the PostgreSQL one). */
export const PORTAL_BUDGET_STORE = Symbol('PortalBudgetStore');

export interface PortalBudgetStore {
  /** Takes room for up to `slots` requests in the portal's bucket at once; none while a back-off lasts. */
  takeSlots(request: SlotRequest): Promise<SlotGrant>;
  /** QUERY_LIMIT_EXCEEDED: the portal's bucket is full now, and every process waits until `pausedUntilMs`. */
  recordRejection(portal: string, limits: BucketLimits, nowMs: number, pausedUntilMs: number): Promise<void>;
  /** Adds each claim to its method's cost in flight; returns the methods' shared state, these claims included. */
  claimOperating(
    portal: string,
    claims: readonly OperatingClaim[],
    nowMs: number,
  ): Promise<SharedMethodBudget[]>;
  /** Gives back cost in flight and publishes figures: the newest portal time wins, a block only extends. */
  settleOperating(portal: string, settlements: readonly OperatingSettlement[]): Promise<void>;
}

export interface SlotRequest {
  readonly portal: string;
  readonly limits: BucketLimits;
  /** Highest level the bucket may reach (capacity − safety margin). */
  readonly ceiling: number;
  readonly slots: number;
  readonly nowMs: number;
}

export interface SlotGrant {
  /** Requests that may leave now (0 … slots). */
  readonly granted: number;
  /** The shared bucket after this grant, to compute the wait when nothing was granted. */
  readonly bucket: BucketModel;
  /** No request before this time (a QUERY_LIMIT_EXCEEDED back-off); 0 when none. */
  readonly pausedUntilMs: number;
}

export interface OperatingClaim {
  readonly method: string;
  readonly seconds: number;
  readonly calls: number;
}

export interface SharedMethodBudget {
  readonly method: string;
  /** Undefined until some process saw an answer of the method. */
  readonly operating: MethodOperating | undefined;
  readonly inFlightSeconds: number;
  readonly inFlightCalls: number;
}

export interface OperatingSettlement {
  readonly method: string;
  readonly releasedSeconds: number;
  readonly releasedCalls: number;
  /** The process's latest view of the method, published when newer than the shared one. */
  readonly operating: MethodOperating | undefined;
}

/**
 * Merges two views of a method: the one from the newer answer (portal time) wins; a block
 * (OPERATION_TIME_LIMIT, seen by any process) lasts until the later end of the two, since an answer
 * sent before the block may arrive after it.
 */
export function mergeOperating(
  current: MethodOperating | undefined,
  incoming: MethodOperating | undefined,
): MethodOperating | undefined {
  if (!current || !incoming) {
    return current ?? incoming;
  }
  const newer = (incoming.portalAt ?? -Infinity) > (current.portalAt ?? -Infinity) ? incoming : current;
  const ends = [current.blockedUntilMs, incoming.blockedUntilMs].filter((end) => end !== undefined);
  return { ...newer, blockedUntilMs: ends.length > 0 ? Math.max(...ends) : undefined };
}

interface MethodEntry {
  operating: MethodOperating | undefined;
  inFlightSeconds: number;
  inFlightCalls: number;
}

/** The budget of portals talked to by this process only (tests, benchmarks, one-process setups). */
export class InProcessBudgetStore implements PortalBudgetStore {
  readonly #buckets = new Map<string, { bucket: BucketModel; pausedUntilMs: number }>();
  readonly #methods = new Map<string, MethodEntry>();

  takeSlots(request: SlotRequest): Promise<SlotGrant> {
    const entry = this.#bucketOf(request.portal, request.nowMs);
    const slots = entry.pausedUntilMs > request.nowMs ? 0 : request.slots;
    const taken = takeRoom(entry.bucket, request.limits, request.nowMs, request.ceiling, slots);
    entry.bucket = taken.model;
    return Promise.resolve({
      granted: taken.granted,
      bucket: taken.model,
      pausedUntilMs: entry.pausedUntilMs,
    });
  }

  recordRejection(portal: string, limits: BucketLimits, nowMs: number, pausedUntilMs: number): Promise<void> {
    const entry = this.#bucketOf(portal, nowMs);
    entry.bucket = recordRejection(limits, Math.max(entry.bucket.atMs, nowMs));
    entry.pausedUntilMs = Math.max(entry.pausedUntilMs, pausedUntilMs);
    return Promise.resolve();
  }

  claimOperating(portal: string, claims: readonly OperatingClaim[]): Promise<SharedMethodBudget[]> {
    return Promise.resolve(
      claims.map((claim) => {
        const entry = this.#methodOf(portal, claim.method);
        entry.inFlightSeconds += claim.seconds;
        entry.inFlightCalls += claim.calls;
        return { method: claim.method, ...entry };
      }),
    );
  }

  settleOperating(portal: string, settlements: readonly OperatingSettlement[]): Promise<void> {
    for (const settlement of settlements) {
      const entry = this.#methodOf(portal, settlement.method);
      entry.inFlightSeconds = Math.max(0, entry.inFlightSeconds - settlement.releasedSeconds);
      entry.inFlightCalls = Math.max(0, entry.inFlightCalls - settlement.releasedCalls);
      entry.operating = mergeOperating(entry.operating, settlement.operating);
    }
    return Promise.resolve();
  }

  #bucketOf(portal: string, nowMs: number): { bucket: BucketModel; pausedUntilMs: number } {
    let entry = this.#buckets.get(portal);
    if (!entry) {
      entry = { bucket: emptyBucket(nowMs), pausedUntilMs: 0 };
      this.#buckets.set(portal, entry);
    }
    return entry;
  }

  #methodOf(portal: string, method: string): MethodEntry {
    const key = `${portal}\u0000${method}`;
    let entry = this.#methods.get(key);
    if (!entry) {
      entry = { operating: undefined, inFlightSeconds: 0, inFlightCalls: 0 };
      this.#methods.set(key, entry);
    }
    return entry;
  }
}

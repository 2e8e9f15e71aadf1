import PQueue from 'p-queue';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';
import type { Bitrix24Stats } from './bitrix24.stats.js';
import type { Clock } from './clock.js';
import { bucketCeiling, roomDelayMs, type BucketLimits } from './leaky-bucket.js';
import {
  chargeUnanswered,
  markBlocked,
  observeOperating,
  operatingDelayMs,
  operatingHeadroomSeconds,
  requestCosts,
  type MethodOperating,
  type OperatingPolicy,
  type OperatingSample,
} from './operating-budget.js';
import {
  mergeOperating,
  type OperatingClaim,
  type PortalBudgetStore,
  type SharedMethodBudget,
} from './portal-budget.store.js';

export interface SchedulerOptions {
  /** The portal host: the key of the budget shared with every other process talking to it. */
  readonly portal: string;
  readonly store: PortalBudgetStore;
  readonly rateLimit: BucketLimits;
  /** Room (in requests) kept free in the portal's bucket against timing jitter. */
  readonly safetyMargin: number;
  /** Requests in flight at once. */
  readonly maxInFlight: number;
  readonly operating: OperatingPolicy;
  /** Pause after QUERY_LIMIT_EXCEEDED, growing while the portal keeps refusing. */
  readonly ratePause: BackoffPolicy;
  readonly clock: Clock;
  readonly stats: Bitrix24Stats;
  readonly random: () => number;
  readonly onRatePause?: (pauseMs: number) => void;
  readonly onMethodBlocked?: (method: string, pauseMs: number) => void;
  /** Whether a failed send may have run on the portal (its answer was lost): its cost is then counted as spent. */
  readonly mayHaveRun?: (error: unknown) => boolean;
  /** The shared store could not record a back-off or a settlement (requests themselves fail instead). */
  readonly onStoreError?: (error: unknown) => void;
}

interface MethodState {
  operating: MethodOperating | undefined;
  lastSentAtMs: number | undefined;
  /** Our own claims still out, so our next request is judged without a store round trip. */
  ownInFlightSeconds: number;
  ownInFlightCalls: number;
}

interface Requeue {
  readonly waitMs: number;
}

const MAX_GATE_SLEEP_MS = 5000;

/**
 * Decides when each request may leave, against the portal's budget shared through the store. Order:
 * wait while our own view says a method of the request is paused or spaced out (outside the queue, so a
 * paused method holds no slot); take a p-queue slot (bounds requests in flight; paused after
 * QUERY_LIMIT_EXCEEDED); claim the request's operating cost in the shared budget and check it there
 * (another process's calls count too), giving it back and waiting outside when it cannot be paid; pass
 * the turnstile one request at a time until the shared bucket grants a slot. Cost in flight is given back
 * when the answer (and a batch's command figures) has been seen.
 */
export class RequestScheduler {
  readonly #options: SchedulerOptions;
  readonly #queue: PQueue;
  readonly #methods = new Map<string, MethodState>();
  readonly #ceiling: number;
  #turnstile: Promise<void> = Promise.resolve();
  #waitingAtTurnstile = 0;
  /** Slots the shared bucket granted for requests waiting behind the one that asked. */
  #prepaidSlots = 0;
  #pausedUntilMs = 0;
  #rejectionsInARow = 0;
  #resuming = false;
  readonly #settlements = new Map<string, { seconds: number; calls: number }>();
  #settling: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#queue = new PQueue({ concurrency: options.maxInFlight });
    this.#ceiling = bucketCeiling(options.rateLimit, options.safetyMargin);
  }

  /** Runs `send` when the limits allow. `methods[0]` is the called method; a batch adds one entry per command. */
  async run<T>(methods: readonly string[], send: () => Promise<T>, priority = 0): Promise<T> {
    let waitMs = 0;
    for (;;) {
      await this.#waitForMethods(methods, waitMs);
      const queuedAt = this.#options.clock.now();
      const outcome = await this.#queue.add(
        async (): Promise<{ value: T } | Requeue> => {
          const claims = this.#claimsOf(methods);
          const refused = await this.#claimOperating(claims);
          if (refused !== undefined) {
            return refused;
          }
          try {
            if (!(await this.#passTurnstile(methods))) {
              return { waitMs: 0 };
            }
            this.#options.stats.recordWait('rate', this.#options.clock.now() - queuedAt);
            return { value: await send() };
          } catch (error) {
            if (this.#options.mayHaveRun?.(error)) {
              this.#chargeUnanswered(claims);
            }
            throw error;
          } finally {
            this.#release(claims);
          }
        },
        { priority },
      );
      if ('value' in outcome) {
        return outcome.value;
      }
      waitMs = outcome.waitMs;
    }
  }

  /** The portal refused with QUERY_LIMIT_EXCEEDED: its bucket is full; every process pauses for a while. */
  rateLimited(): void {
    const { clock, ratePause, random, store, portal, rateLimit } = this.#options;
    const now = clock.now();
    this.#rejectionsInARow += 1;
    this.#prepaidSlots = 0;
    const pauseMs = backoffDelayMs(this.#rejectionsInARow, ratePause, random);
    this.#pausedUntilMs = Math.max(this.#pausedUntilMs, now + pauseMs);
    this.#queue.pause();
    this.#options.stats.recordRatePause(pauseMs);
    this.#options.onRatePause?.(pauseMs);
    store
      .recordRejection(portal, rateLimit, now, now + pauseMs)
      .catch((error: unknown) => this.#storeFailed(error));
    if (!this.#resuming) {
      this.#resuming = true;
      void this.#resumeWhenPauseEnds();
    }
  }

  /** One resumer at a time; it re-checks the clock, since a timer may fire a little early. */
  async #resumeWhenPauseEnds(): Promise<void> {
    const { clock } = this.#options;
    for (let left = this.#pausedUntilMs - clock.now(); left > 0; left = this.#pausedUntilMs - clock.now()) {
      await clock.sleep(left);
    }
    this.#resuming = false;
    this.#queue.start();
  }

  accepted(): void {
    this.#rejectionsInARow = 0;
  }

  /** The portal answered OPERATION_TIME_LIMIT for this method: pause only this method, in every process. */
  methodBlocked(method: string): void {
    const now = this.#options.clock.now();
    const state = this.#state(method);
    state.operating = markBlocked(state.operating, now, this.#options.operating);
    const pauseMs = (state.operating.blockedUntilMs ?? now) - now;
    this.#publishOperating(method, state.operating, true);
    this.#options.onMethodBlocked?.(method, pauseMs);
    this.#settle(method, 0, 0);
  }

  /** Feeds `time.operating` / `operating_reset_at` of an answer (or a batch sub-result); undefined when it had none. */
  observe(method: string, sample: OperatingSample | undefined): void {
    const state = this.#state(method);
    state.operating = observeOperating(state.operating, sample, this.#options.clock.now());
    this.#publishOperating(method, state.operating, false);
    this.#settle(method, 0, 0);
  }

  /**
   * The methods' budgets as every process sees them now (one store read): the newest figure, and cost in
   * flight (the larger of the shared sum and our own, since the store may lag our last claims).
   */
  async readBudgets(methods: readonly string[]): Promise<SharedMethodBudget[]> {
    const { store, portal, clock } = this.#options;
    const shared = await store.claimOperating(
      portal,
      methods.map((method) => ({ method, seconds: 0, calls: 0 })),
      clock.now(),
    );
    return shared.map((view) => {
      const state = this.#state(view.method);
      state.operating = mergeOperating(state.operating, view.operating);
      return {
        method: view.method,
        operating: state.operating,
        inFlightSeconds: Math.max(view.inFlightSeconds, state.ownInFlightSeconds),
        inFlightCalls: Math.max(view.inFlightCalls, state.ownInFlightCalls),
      };
    });
  }

  get operatingPolicy(): OperatingPolicy {
    return this.#options.operating;
  }

  get pending(): number {
    return this.#queue.pending + this.#queue.size;
  }

  /** Settlements not yet written to the store have been written (for specs and shutdown). */
  async flush(): Promise<void> {
    while (this.#settling) {
      await this.#settling;
    }
  }

  async #waitForMethods(methods: readonly string[], atLeastMs: number): Promise<void> {
    const { clock } = this.#options;
    const startedAt = clock.now();
    if (atLeastMs > 0) {
      await clock.sleep(Math.min(atLeastMs, MAX_GATE_SLEEP_MS));
    }
    for (let delay = this.#ownDelay(methods); delay > 0; delay = this.#ownDelay(methods)) {
      // Woken early now and then: answers in flight can change the budget either way.
      await clock.sleep(Math.min(delay, MAX_GATE_SLEEP_MS));
    }
    this.#options.stats.recordWait('operating', clock.now() - startedAt);
  }

  /** The wait our own view asks for: the last shared figures plus our own requests still out. */
  #ownDelay(methods: readonly string[]): number {
    const now = this.#options.clock.now();
    const costs = requestCosts(methods, (method) => this.#state(method).operating);
    return Math.max(
      0,
      ...[...costs].map(([method, seconds]) => {
        const state = this.#state(method);
        const traffic = {
          lastSentAtMs: state.lastSentAtMs,
          inFlightSeconds: state.ownInFlightSeconds,
          inFlightCalls: state.ownInFlightCalls,
        };
        return operatingDelayMs(state.operating, traffic, seconds, now, this.#options.operating);
      }),
    );
  }

  #claimsOf(methods: readonly string[]): OperatingClaim[] {
    const costs = requestCosts(methods, (method) => this.#state(method).operating);
    return [...costs].map(([method, seconds]) => ({
      method,
      seconds,
      calls: methods.filter((name) => name === method).length,
    }));
  }

  /**
   * Claims the cost in the shared budget, then judges the request against what every process has out:
   * claiming first and checking after makes two processes racing for the last seconds both see each
   * other. Undefined = claimed; otherwise the claim is given back and the request waits outside.
   */
  async #claimOperating(claims: readonly OperatingClaim[]): Promise<Requeue | undefined> {
    const { store, portal, clock, operating: policy } = this.#options;
    const now = clock.now();
    const ownOut = claims.map((claim) => this.#state(claim.method).ownInFlightCalls);
    claims.forEach((claim) => this.#hold(claim, 1));
    let shared: SharedMethodBudget[];
    try {
      shared = await store.claimOperating(portal, claims, now);
    } catch (error) {
      claims.forEach((claim) => this.#hold(claim, -1));
      throw error;
    }
    const waitMs = Math.max(
      0,
      ...claims.map((claim, index) => {
        const view = shared[index];
        const state = this.#state(claim.method);
        state.operating = mergeOperating(state.operating, view.operating);
        // Cost out counts every live process's; a probe is waited for only when it is our own: another process's
        // probe may never answer (that process may be dead), and its cost counts in the seconds anyway.
        const traffic = {
          lastSentAtMs: state.lastSentAtMs,
          inFlightSeconds: Math.max(0, view.inFlightSeconds - claim.seconds),
          inFlightCalls: ownOut[index],
        };
        return operatingDelayMs(state.operating, traffic, claim.seconds, clock.now(), policy);
      }),
    );
    if (waitMs === 0) {
      return undefined;
    }
    this.#release(claims);
    return { waitMs };
  }

  /** Lost answers cost the portal all the same (billed before the answer left): counted until the next figure. */
  #chargeUnanswered(claims: readonly OperatingClaim[]): void {
    for (const claim of claims) {
      const state = this.#state(claim.method);
      state.operating = chargeUnanswered(state.operating, claim.seconds);
    }
  }

  #hold(claim: OperatingClaim, sign: 1 | -1): void {
    const state = this.#state(claim.method);
    state.ownInFlightSeconds = Math.max(0, state.ownInFlightSeconds + sign * claim.seconds);
    state.ownInFlightCalls = Math.max(0, state.ownInFlightCalls + sign * claim.calls);
  }

  /** Gives the claim back once the answer's figures (and a batch's command figures) have been observed. */
  #release(claims: readonly OperatingClaim[]): void {
    for (const claim of claims) {
      this.#hold(claim, -1);
      this.#settle(claim.method, claim.seconds, claim.calls);
    }
  }

  /**
   * Queues a settlement; all queued ones are written in one store call after the current turn, so a
   * batch's command figures (observed just after its answer returns) travel with its release.
   */
  #settle(method: string, seconds: number, calls: number): void {
    const queued = this.#settlements.get(method) ?? { seconds: 0, calls: 0 };
    this.#settlements.set(method, { seconds: queued.seconds + seconds, calls: queued.calls + calls });
    if (this.#settling) {
      return;
    }
    this.#settling = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#writeSettlements())
      .catch((error: unknown) => this.#storeFailed(error))
      .finally(() => (this.#settling = undefined));
  }

  async #writeSettlements(): Promise<void> {
    while (this.#settlements.size > 0) {
      const settlements = [...this.#settlements].map(([method, released]) => ({
        method,
        releasedSeconds: released.seconds,
        releasedCalls: released.calls,
        operating: this.#state(method).operating,
      }));
      this.#settlements.clear();
      await this.#options.store.settleOperating(this.#options.portal, settlements);
    }
  }

  #storeFailed(error: unknown): void {
    this.#options.onStoreError?.(error);
  }

  /** True once the request may leave now (bucket slot taken); false to requeue (a method got blocked). */
  #passTurnstile(methods: readonly string[]): Promise<boolean> {
    this.#waitingAtTurnstile += 1;
    const turn = this.#turnstile.then(() => this.#waitForRoom(methods));
    this.#turnstile = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn.finally(() => (this.#waitingAtTurnstile -= 1));
  }

  async #waitForRoom(methods: readonly string[]): Promise<boolean> {
    const { clock, rateLimit, safetyMargin, store, portal } = this.#options;
    for (;;) {
      const now = clock.now();
      if (this.#pausedUntilMs > now) {
        await clock.sleep(this.#pausedUntilMs - now);
        continue;
      }
      if (methods.some((method) => (this.#state(method).operating?.blockedUntilMs ?? 0) > now)) {
        return false;
      }
      if (this.#prepaidSlots > 0) {
        this.#prepaidSlots -= 1;
        this.#sent(methods, now);
        return true;
      }
      const grant = await store.takeSlots({
        portal,
        limits: rateLimit,
        ceiling: this.#ceiling,
        slots: Math.max(1, Math.min(this.#waitingAtTurnstile, this.#options.maxInFlight)),
        nowMs: now,
      });
      if (grant.granted > 0) {
        this.#prepaidSlots += grant.granted - 1;
        this.#sent(methods, now);
        return true;
      }
      const after = clock.now();
      await clock.sleep(
        Math.max(1, grant.pausedUntilMs - after, roomDelayMs(grant.bucket, rateLimit, after, safetyMargin)),
      );
    }
  }

  #sent(methods: readonly string[], now: number): void {
    for (const method of methods) {
      this.#state(method).lastSentAtMs = now;
    }
  }

  #state(method: string): MethodState {
    let state = this.#methods.get(method);
    if (!state) {
      state = { operating: undefined, lastSentAtMs: undefined, ownInFlightSeconds: 0, ownInFlightCalls: 0 };
      this.#methods.set(method, state);
    }
    return state;
  }

  #publishOperating(method: string, state: MethodOperating, blocked: boolean): void {
    this.#options.stats.recordOperating({
      method,
      operatingSeconds: state.operatingSeconds,
      headroomSeconds: operatingHeadroomSeconds(state, this.#options.operating),
      blocked,
    });
  }
}

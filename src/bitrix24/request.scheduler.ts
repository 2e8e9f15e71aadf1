import PQueue from 'p-queue';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';
import type { Bitrix24Stats } from './bitrix24.stats.js';
import type { Clock } from './clock.js';
import {
  emptyBucket,
  recordRejection,
  recordRequest,
  roomDelayMs,
  type BucketLimits,
  type BucketModel,
} from './leaky-bucket.js';
import {
  markBlocked,
  observeOperating,
  operatingDelayMs,
  operatingHeadroomSeconds,
  type MethodOperating,
  type OperatingPolicy,
  type OperatingSample,
} from './operating-budget.js';

export interface SchedulerOptions {
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
}

interface MethodState {
  operating: MethodOperating | undefined;
  lastSentAtMs: number | undefined;
  inFlight: number;
}

const REQUEUE = Symbol('requeue');
const MAX_GATE_SLEEP_MS = 5000;

/**
 * Decides when each request may leave. Order: wait while any of the request's methods is paused or
 * spaced out for its operating budget (outside the queue, so a paused method holds no slot); take a
 * p-queue slot (bounds requests in flight; paused while the portal answers QUERY_LIMIT_EXCEEDED);
 * pass the turnstile one request at a time until our model of the portal's bucket has room. The budget
 * is checked again at that moment and the bucket slot and the method's in-flight count are claimed in
 * the same tick; a request whose method became paused meanwhile goes back to wait outside.
 */
export class RequestScheduler {
  readonly #options: SchedulerOptions;
  readonly #queue: PQueue;
  readonly #methods = new Map<string, MethodState>();
  #bucket: BucketModel;
  #turnstile: Promise<void> = Promise.resolve();
  #pausedUntilMs = 0;
  #rejectionsInARow = 0;
  #resuming = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#queue = new PQueue({ concurrency: options.maxInFlight });
    this.#bucket = emptyBucket(options.clock.now());
  }

  /** Runs `send` when the limits allow. `methods[0]` is the called method; batch adds its commands' methods. */
  async run<T>(methods: readonly string[], send: () => Promise<T>, priority = 0): Promise<T> {
    for (;;) {
      await this.#waitForMethods(methods);
      const queuedAt = this.#options.clock.now();
      const outcome = await this.#queue.add(
        async (): Promise<{ value: T } | typeof REQUEUE> => {
          // The budget may have changed while this request queued: a paused method gives its slot back.
          if (this.#methodDelay(methods) > 0 || !(await this.#passTurnstile(methods))) {
            return REQUEUE;
          }
          this.#options.stats.recordWait('rate', this.#options.clock.now() - queuedAt);
          try {
            return { value: await send() };
          } finally {
            methods.forEach((method) => (this.#state(method).inFlight -= 1));
          }
        },
        { priority },
      );
      if (outcome !== REQUEUE) {
        return outcome.value;
      }
    }
  }

  /** The portal refused with QUERY_LIMIT_EXCEEDED: its bucket is full; pause everything for a while. */
  rateLimited(): void {
    const now = this.#options.clock.now();
    this.#bucket = recordRejection(this.#options.rateLimit, now);
    this.#rejectionsInARow += 1;
    const pauseMs = backoffDelayMs(this.#rejectionsInARow, this.#options.ratePause, this.#options.random);
    this.#pausedUntilMs = Math.max(this.#pausedUntilMs, now + pauseMs);
    this.#queue.pause();
    this.#options.stats.recordRatePause(pauseMs);
    this.#options.onRatePause?.(pauseMs);
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

  /** The portal answered OPERATION_TIME_LIMIT for this method: pause only this method. */
  methodBlocked(method: string): void {
    const now = this.#options.clock.now();
    const state = this.#state(method);
    state.operating = markBlocked(state.operating, now, this.#options.operating);
    const pauseMs = (state.operating.blockedUntilMs ?? now) - now;
    this.#publishOperating(method, state.operating, true);
    this.#options.onMethodBlocked?.(method, pauseMs);
  }

  /** Feeds `time.operating` / `operating_reset_at` of an answer (or a batch sub-result); undefined when it had none. */
  observe(method: string, sample: OperatingSample | undefined): void {
    const state = this.#state(method);
    state.operating = observeOperating(state.operating, sample, this.#options.clock.now());
    this.#publishOperating(method, state.operating, false);
  }

  get pending(): number {
    return this.#queue.pending + this.#queue.size;
  }

  async #waitForMethods(methods: readonly string[]): Promise<void> {
    const { clock } = this.#options;
    const startedAt = clock.now();
    for (let delay = this.#methodDelay(methods); delay > 0; delay = this.#methodDelay(methods)) {
      // Woken early now and then: answers in flight can change the budget either way.
      await clock.sleep(Math.min(delay, MAX_GATE_SLEEP_MS));
    }
    this.#options.stats.recordWait('operating', clock.now() - startedAt);
  }

  #methodDelay(methods: readonly string[]): number {
    const now = this.#options.clock.now();
    return Math.max(
      0,
      ...methods.map((method) => {
        const state = this.#state(method);
        return operatingDelayMs(state.operating, state, now, this.#options.operating);
      }),
    );
  }

  /** True once the request may leave now (bucket slot and method budget claimed); false to requeue. */
  #passTurnstile(methods: readonly string[]): Promise<boolean> {
    const turn = this.#turnstile.then(() => this.#waitForRoom(methods));
    this.#turnstile = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  async #waitForRoom(methods: readonly string[]): Promise<boolean> {
    const { clock, rateLimit, safetyMargin } = this.#options;
    for (;;) {
      const now = clock.now();
      const delay = Math.max(
        this.#pausedUntilMs - now,
        roomDelayMs(this.#bucket, rateLimit, now, safetyMargin),
      );
      if (delay > 0) {
        await clock.sleep(delay);
        continue;
      }
      // Checked and claimed in the same tick as the bucket slot, so the next request sees this one.
      if (this.#methodDelay(methods) > 0) {
        return false;
      }
      this.#bucket = recordRequest(this.#bucket, rateLimit, now);
      for (const method of methods) {
        const state = this.#state(method);
        state.lastSentAtMs = now;
        state.inFlight += 1;
      }
      return true;
    }
  }

  #state(method: string): MethodState {
    let state = this.#methods.get(method);
    if (!state) {
      state = { operating: undefined, lastSentAtMs: undefined, inFlight: 0 };
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

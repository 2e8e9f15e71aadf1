import type { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { SyncRunRepository } from '../persistence/sync-run.repository.js';

/** Thrown once a run can no longer prove it owns its lease: it stops at once and leaves its work to the next owner. */
export class RunLeaseLost extends Error {
  override readonly name = 'RunLeaseLost';

  constructor(runId: number, why: string) {
    super(`run ${runId} lost its lease (${why}); it stopped and leaves its open operations to the next run`);
  }
}

/** How many renewals fit in one lease: a few failed renewals in a row still leave the run time to recover. */
const RENEWALS_PER_TTL = 6;

/**
 * A running run's lease (DESIGN §3 invariant 6): renewed by compare-and-set in the state database, where its expiry
 * is set by the database's clock. Locally the run counts its lease from the moment the renewal was *sent*, so its own
 * view always ends before the database's. It sends nothing once less than half the lease is left: every request it
 * started has ended (the request timeout is shorter than half the lease) before another process may take over.
 */
export class RunLease {
  #validUntil: number;
  #lost: string | null = null;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(
    private readonly runs: SyncRunRepository,
    readonly runId: number,
    readonly owner: string,
    readonly ttlMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#validUntil = now() + ttlMs;
  }

  /** Counts the lease from `grantedAt` (when its grant was sent) and renews it in the background until `stop()`. */
  keep(grantedAt = this.now()): this {
    this.#validUntil = grantedAt + this.ttlMs;
    this.#timer = setInterval(() => void this.renew(), Math.max(100, this.ttlMs / RENEWALS_PER_TTL));
    this.#timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Throws RunLeaseLost unless the lease is held with at least half of it left. Cheap: no I/O. */
  assertHeld(): void {
    if (this.#lost === null && this.#validUntil - this.now() < this.ttlMs / 2) {
      this.#lost = 'not renewed in time: the state database did not answer';
    }
    if (this.#lost !== null) {
      throw new RunLeaseLost(this.runId, this.#lost);
    }
  }

  /** One renewal; concurrent callers share it. A renewal the database refuses loses the lease for good. */
  renew(): Promise<void> {
    this.#renewing ??= this.#renew().finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  async #renew(): Promise<void> {
    if (this.#lost !== null) {
      return;
    }
    const sentAt = this.now();
    try {
      if (await this.runs.renewLease(this.runId, this.owner, this.ttlMs)) {
        this.#validUntil = sentAt + this.ttlMs;
      } else {
        this.#lost = 'another process closed it or its lease expired';
        this.logger.error(`Run ${this.runId}: ${this.#lost}; stopping`);
      }
    } catch (error) {
      this.logger.warn(`Run ${this.runId}: lease renewal failed: ${(error as Error).message}`);
    }
  }
}

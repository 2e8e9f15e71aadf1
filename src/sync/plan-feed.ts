/**
 * The planner's hand-off to the applier when a run plans and sends at once (a pipelined run): the applier sends what
 * the outbox holds, and waits here for the next planned page instead of for the whole plan.
 */
export class PlanFeed {
  #version = 0;
  #closed = false;
  readonly #waiters = new Set<() => void>();

  /** Counts planned pages; read it before looking at the outbox, then wait with `changedSince`. */
  get version(): number {
    return this.#version;
  }

  /** Planning is over (done, stopped or failed): nothing more will arrive. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A page of operations reached the outbox. */
  planned(): void {
    this.#version++;
    this.#wake();
  }

  close(): void {
    this.#closed = true;
    this.#wake();
  }

  /** Resolves once a page was planned after `version`, or planning is over. */
  changedSince(version: number): Promise<void> {
    if (this.#closed || this.#version !== version) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.add(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiters) {
      wake();
    }
    this.#waiters.clear();
  }
}

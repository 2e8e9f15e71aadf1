import type { Bitrix24Error } from './bitrix24.error.js';
import type { ClientLogger } from './client-logger.js';
import type { Clock } from './clock.js';
import { PortalHealth } from './portal-health.js';

const ignore = () => undefined;

/**
 * The client's side of DESIGN invariant 9 (an outage is not a row failure): keeps the portal's health from
 * every attempt, refuses to send while the portal is unreachable, and gives a call's last failure the meaning
 * its caller acts on. Logs once when the portal becomes unreachable and once when it answers again.
 */
export class PortalOutage {
  readonly #health: PortalHealth;
  readonly #clock: Clock;
  readonly #logger: ClientLogger;
  #lastFailure: Bitrix24Error | undefined;
  #probe: Promise<void> | undefined;

  constructor(patienceMs: number, clock: Clock, logger: ClientLogger) {
    this.#health = new PortalHealth(patienceMs);
    this.#clock = clock;
    this.#logger = logger;
  }

  /** The portal answered (a result, or an error about the request such as a rejected record or a limit). */
  answered(): void {
    if (this.#health.answered(this.#clock.now())) {
      this.#logger.log('Bitrix24 answers again');
    }
  }

  /** A request sent at `sentAt` failed: with no usable answer (an outage) or with an answer. */
  failed(failure: Bitrix24Error, sentAt: number): void {
    if (!failure.isOutage) {
      this.answered();
      return;
    }
    this.#health.failed(sentAt, this.#clock.now());
    this.#lastFailure = failure;
    // Declared at once, so the calls queued behind this request are refused rather than sent into the outage.
    this.#checkUnreachable();
  }

  /**
   * Throws instead of sending a call made (at `calledAt`) before the unreachable portal's last failure: the
   * rest of a failing run does not wait on a dead portal one request at a time (the operating-budget probe
   * would send them one by one). Such a call is certainly not applied.
   */
  assertReachable(method: string, calledAt: number): void {
    const cause = this.#lastFailure;
    if (cause && this.#checkUnreachable() && this.#health.refuses(calledAt, this.#clock.now())) {
      throw cause.asUnreachable({
        method,
        outcome: 'not_applied',
        description: `not sent; the last request got: ${cause.description}`,
      });
    }
  }

  /**
   * The error a call ends with. A write that an outage left with an unknown outcome first waits until the
   * portal answers again (one `probe` shared by all callers, itself bounded by the patience), so the caller's
   * resolution (lookup by ORIGIN_ID, resend) does not run into the same outage. A portal that answered
   * nothing for the whole patience makes the error `unreachable`: runs stop, rows are not blamed.
   */
  async settle(
    failure: Bitrix24Error,
    write: boolean,
    probe: () => Promise<unknown>,
  ): Promise<Bitrix24Error> {
    if (!failure.isOutage || failure.unreachable) {
      return failure;
    }
    if (write && failure.outcome === 'unknown' && !this.#checkUnreachable()) {
      this.#probe ??= probe()
        .then(ignore, ignore)
        .finally(() => (this.#probe = undefined));
      await this.#probe;
    }
    return this.#checkUnreachable() ? failure.asUnreachable() : failure;
  }

  /** Whether the portal is unreachable; the first time in an outage, declares it and says so in the log. */
  #checkUnreachable(): boolean {
    const now = this.#clock.now();
    if (this.#health.declareUnreachable(now)) {
      const seconds = Math.round(this.#health.failingForMs(now) / 1000);
      this.#logger.warn(
        `Bitrix24 unreachable: nothing answered for ${seconds} s (last: ${this.#lastFailure?.message ?? 'no answer'}); ` +
          'calls fail without being sent and runs stop until it answers again',
      );
    }
    return this.#health.isUnreachable(now);
  }
}

/**
 * Whether the portal answers, from the outcomes of the requests sent to it (pure: the caller passes the
 * times, in ms). A failure streak starts with a request that got no usable answer (refused, timed out,
 * reset, 5xx) and ends with any answer. The portal is unreachable once the streak has lasted `patienceMs`,
 * counted from when its first failed request was sent (a hang is as old as the request that hangs), and
 * stays so while failures keep coming; a request sent after a quiet gap of `patienceMs` starts a new streak,
 * so a failure after an idle hour is a blip again, not an hour-long outage.
 */
export class PortalHealth {
  readonly #patienceMs: number;
  #lastAnswerAt = -Infinity;
  #lastFailureAt = -Infinity;
  #since: number | undefined;
  #declaredAt: number | undefined;

  constructor(patienceMs: number) {
    this.#patienceMs = patienceMs;
  }

  /** The portal answered. True when it had been declared unreachable (it is back). */
  answered(now: number): boolean {
    const wasDeclared = this.#declaredAt !== undefined;
    this.#lastAnswerAt = Math.max(this.#lastAnswerAt, now);
    this.#since = undefined;
    this.#declaredAt = undefined;
    return wasDeclared;
  }

  /** A request sent at `sentAt` got no usable answer at `now`. */
  failed(sentAt: number, now: number): void {
    if (this.#since === undefined || sentAt - this.#lastFailureAt > this.#patienceMs) {
      this.#since = Math.max(sentAt, this.#lastAnswerAt);
      this.#declaredAt = undefined;
    }
    this.#lastFailureAt = Math.max(this.#lastFailureAt, now);
  }

  /** Nothing answered for the whole patience, and the last failure is recent. */
  isUnreachable(now: number): boolean {
    return (
      this.#since !== undefined &&
      now - this.#since >= this.#patienceMs &&
      now - this.#lastFailureAt <= this.#patienceMs
    );
  }

  /** Notes when the portal was first found unreachable in this streak; true that first time (say it once). */
  declareUnreachable(now: number): boolean {
    if (this.#declaredAt !== undefined || !this.isUnreachable(now)) {
      return false;
    }
    this.#declaredAt = now;
    return true;
  }

  /**
   * Whether a call made at `calledAt` must fail without being sent: the portal is unreachable and failed
   * again after the call was made (the call was queued behind requests that hung or were refused). A call
   * made after the last failure gets one real try, so the first run after the portal is back goes through.
   */
  refuses(calledAt: number, now: number): boolean {
    return calledAt <= this.#lastFailureAt && this.isUnreachable(now);
  }

  /** How long the current streak has lasted; 0 when the portal answers. */
  failingForMs(now: number): number {
    return this.#since === undefined ? 0 : Math.max(0, now - this.#since);
  }
}

import { EventEmitter } from 'node:events';

export interface RequestEvent {
  readonly method: string;
  /** HTTP status as text, or `transport` when no answer came back. */
  readonly status: string;
  /** The portal's error code, when it sent one. */
  readonly code: string | undefined;
  readonly durationMs: number;
}

/** `rate`: the leaky bucket, a QUERY_LIMIT_EXCEEDED pause or a free in-flight slot; `operating`: a method's budget. */
export type LimiterWaitReason = 'rate' | 'operating';

export interface LimiterWaitEvent {
  readonly reason: LimiterWaitReason;
  readonly ms: number;
}

export interface OperatingEvent {
  readonly method: string;
  readonly operatingSeconds: number;
  readonly headroomSeconds: number;
  readonly blocked: boolean;
}

export interface Bitrix24StatsEvents {
  request: [RequestEvent];
  limiterWait: [LimiterWaitEvent];
  operating: [OperatingEvent];
  rateLimited: [{ readonly pauseMs: number }];
}

export interface Bitrix24StatsSnapshot {
  readonly requests: ReadonlyArray<{ method: string; status: string; count: number }>;
  readonly limiterWaitMs: Readonly<Record<LimiterWaitReason, number>>;
  readonly rateLimitedResponses: number;
  readonly operatingBlocks: number;
  readonly operating: ReadonlyArray<OperatingEvent>;
}

/**
 * Figures for metrics: requests by method and status, time spent waiting for the limiter, operating
 * headroom per method. Poll `snapshot()` or listen to the events (another module maps them to prom-client).
 */
export class Bitrix24Stats extends EventEmitter<Bitrix24StatsEvents> {
  readonly #requests = new Map<string, { method: string; status: string; count: number }>();
  readonly #waits: Record<LimiterWaitReason, number> = { rate: 0, operating: 0 };
  readonly #operating = new Map<string, OperatingEvent>();
  #rateLimited = 0;
  #operatingBlocks = 0;

  recordRequest(event: RequestEvent): void {
    const key = `${event.method} ${event.status}`;
    const entry = this.#requests.get(key) ?? { method: event.method, status: event.status, count: 0 };
    entry.count += 1;
    this.#requests.set(key, entry);
    if (event.code?.toUpperCase() === 'QUERY_LIMIT_EXCEEDED') {
      this.#rateLimited += 1;
    }
    this.emit('request', event);
  }

  recordWait(reason: LimiterWaitReason, ms: number): void {
    if (ms <= 0) {
      return;
    }
    this.#waits[reason] += ms;
    this.emit('limiterWait', { reason, ms });
  }

  recordOperating(event: OperatingEvent): void {
    this.#operating.set(event.method, event);
    if (event.blocked) {
      this.#operatingBlocks += 1;
    }
    this.emit('operating', event);
  }

  recordRatePause(pauseMs: number): void {
    this.emit('rateLimited', { pauseMs });
  }

  snapshot(): Bitrix24StatsSnapshot {
    return {
      requests: [...this.#requests.values()].map((entry) => ({ ...entry })),
      limiterWaitMs: { ...this.#waits },
      rateLimitedResponses: this.#rateLimited,
      operatingBlocks: this.#operatingBlocks,
      operating: [...this.#operating.values()],
    };
  }

  /** Requests answered with `status` (e.g. '503'), across methods. */
  countByStatus(status: string): number {
    let total = 0;
    for (const entry of this.#requests.values()) {
      total += entry.status === status ? entry.count : 0;
    }
    return total;
  }

  get totalRequests(): number {
    let total = 0;
    for (const entry of this.#requests.values()) {
      total += entry.count;
    }
    return total;
  }
}

import type { AuthKind } from './rest-method.js';

export interface EmulatorStats {
  /** /rest requests received (including rejected and faulted ones). */
  requests: number;
  byMethod: Record<string, number>;
  byStatus: Record<string, number>;
  queryLimitExceeded: number;
  operatingLimitExceeded: number;
  /** Command count of every batch request, in arrival order. */
  batchSizes: number[];
  /** Most /rest requests that arrived within one virtual second. */
  peakRequestsPerSecond: number;
  /** Applied deal writes (add/update/delete), inside batches too. */
  writes: number;
  /** Injected faults by kind. */
  faults: Record<string, number>;
}

export interface RequestLogEntry {
  seq: number;
  /** Virtual arrival time, ISO-8601 UTC. */
  time: string;
  httpMethod: string;
  /** REST method lower-cased ('' when the path had none). */
  method: string;
  /** HTTP status, or 0 when the connection was dropped. */
  status: number;
  auth: AuthKind | 'none';
  error?: string;
  batchSize?: number;
  fault?: string;
}

const LOG_LIMIT = 10_000;

/** Counters and the request log; never holds secrets (no URLs, tokens or parameters). */
export class EmulatorStatsRecorder {
  #stats: EmulatorStats = emptyStats();
  #log: RequestLogEntry[] = [];
  #arrivals: number[] = [];
  #seq = 0;

  arrival(nowMs: number): void {
    this.#stats.requests++;
    this.#arrivals.push(nowMs);
    while ((this.#arrivals[0] ?? nowMs) <= nowMs - 1000) {
      this.#arrivals.shift();
    }
    this.#stats.peakRequestsPerSecond = Math.max(this.#stats.peakRequestsPerSecond, this.#arrivals.length);
  }

  finish(entry: Omit<RequestLogEntry, 'seq'>): void {
    const key = entry.method === '' ? '(none)' : entry.method;
    this.#stats.byMethod[key] = (this.#stats.byMethod[key] ?? 0) + 1;
    const status = String(entry.status);
    this.#stats.byStatus[status] = (this.#stats.byStatus[status] ?? 0) + 1;
    if (entry.error === 'QUERY_LIMIT_EXCEEDED') {
      this.#stats.queryLimitExceeded++;
    }
    if (entry.error === 'OPERATION_TIME_LIMIT') {
      this.#stats.operatingLimitExceeded++;
    }
    if (entry.batchSize !== undefined) {
      this.#stats.batchSizes.push(entry.batchSize);
    }
    if (entry.fault !== undefined) {
      this.#stats.faults[entry.fault] = (this.#stats.faults[entry.fault] ?? 0) + 1;
    }
    this.#log.push({ seq: ++this.#seq, ...entry });
    if (this.#log.length > LOG_LIMIT) {
      this.#log.shift();
    }
  }

  /** Nested OPERATION_TIME_LIMIT errors inside a batch count too. */
  operatingLimitInBatch(count: number): void {
    this.#stats.operatingLimitExceeded += count;
  }

  write(): void {
    this.#stats.writes++;
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.#stats);
  }

  log(): RequestLogEntry[] {
    return this.#log.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.#stats = emptyStats();
    this.#log = [];
    this.#arrivals = [];
  }
}

function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byMethod: {},
    byStatus: {},
    queryLimitExceeded: 0,
    operatingLimitExceeded: 0,
    batchSizes: [],
    peakRequestsPerSecond: 0,
    writes: 0,
    faults: {},
  };
}

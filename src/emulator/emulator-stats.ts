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
  /** Applied CRM writes (add/update/delete, product-row sets, imported items), inside batches too. */
  writes: number;
  /** Applied writes by method. */
  writesByMethod: Record<string, number>;
  /** Method calls that reached their handler by method, batch commands counted one by one. */
  callsByMethod: Record<string, number>;
  /** Deal creates that started automation rules (crm.deal.add, crm.item.add; never an import). */
  automationRuns: number;
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

  write(method: string): void {
    this.#stats.writes++;
    this.#stats.writesByMethod[method] = (this.#stats.writesByMethod[method] ?? 0) + 1;
  }

  call(method: string): void {
    this.#stats.callsByMethod[method] = (this.#stats.callsByMethod[method] ?? 0) + 1;
  }

  automation(): void {
    this.#stats.automationRuns++;
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
    writesByMethod: {},
    callsByMethod: {},
    automationRuns: 0,
    faults: {},
  };
}

import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import type { OperationAction, OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import type { RunStatus } from '../persistence/entities/sync-run.entity.js';
import { SyncLogRepository, type UnsyncedRows } from '../persistence/sync-log.repository.js';
import { backlogSamples } from './backlog-samples.js';

const PREFIX = 'erp_bitrix24_sync_';

/**
 * The daemon's Prometheus metrics on a registry of its own. The engine and the Bitrix24 client report
 * through the intention-named methods; the backlog gauges are read from the sync log on each scrape.
 */
@Injectable()
export class SyncMetrics {
  readonly registry = new Registry();
  private readonly logger = new Logger(SyncMetrics.name);
  private backlogQuery: Promise<UnsyncedRows[]> | undefined;
  private readonly runs = this.counter('runs_total', 'Finished runs by mapping and final status', [
    'mapping',
    'status',
  ]);
  private readonly operations = this.counter('operations_total', 'Finished operations by action and status', [
    'action',
    'status',
  ]);
  private readonly bitrix24Requests = this.counter(
    'bitrix24_requests_total',
    'Bitrix24 REST requests by method and outcome (ok, or the API error code)',
    ['method', 'status'],
  );
  private readonly rateLimitWait = this.counter(
    'rate_limit_wait_seconds_total',
    'Seconds requests spent waiting for the leaky-bucket limiter',
    [],
  );
  private readonly headroom = this.gauge(
    'operating_headroom_seconds',
    'Operating-time budget left per Bitrix24 method in the current window (seconds)',
    ['method'],
  );
  private readonly unsyncedRows = this.gauge(
    'unsynced_rows',
    'ERP rows waiting to be synced: pending, in_flight or failed latest operation, or parked for an operator',
    ['mapping', 'status'],
  );
  private readonly oldestUnsynced = this.gauge(
    'oldest_unsynced_change_seconds',
    'Age of the oldest pending, in-flight or failed operation per mapping (0 when none wait)',
    ['mapping'],
  );

  constructor(
    private readonly syncLog: SyncLogRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    collectDefaultMetrics({ register: this.registry });
  }

  runFinished(mapping: string, status: RunStatus): void {
    this.runs.inc({ mapping, status });
  }

  operationFinished(action: OperationAction, status: OperationStatus): void {
    this.operations.inc({ action, status });
  }

  /** `status`: `ok`, or the Bitrix24 error code (`QUERY_LIMIT_EXCEEDED`, `transport`, …). */
  bitrix24Request(method: string, status: string): void {
    this.bitrix24Requests.inc({ method, status });
  }

  rateLimitWaited(seconds: number): void {
    if (seconds > 0) {
      this.rateLimitWait.inc(seconds);
    }
  }

  operatingHeadroom(method: string, seconds: number): void {
    this.headroom.set({ method }, seconds);
  }

  /** The exposition text, with the backlog gauges freshly read from the sync log. */
  async scrape(now: Date = new Date()): Promise<string> {
    await this.refreshBacklog(now);
    return this.registry.metrics();
  }

  private async refreshBacklog(now: Date): Promise<void> {
    let rows: UnsyncedRows[];
    try {
      // Scrapes that overlap (several Prometheus replicas) share one query.
      this.backlogQuery ??= this.syncLog.countUnsyncedRows().finally(() => (this.backlogQuery = undefined));
      rows = await this.backlogQuery;
    } catch (error) {
      this.logger.warn(`Could not read the sync backlog for /metrics: ${(error as Error).message}`);
      this.unsyncedRows.reset();
      this.oldestUnsynced.reset();
      return;
    }
    const samples = backlogSamples(
      this.config.mappings.map((mapping) => mapping.name),
      rows,
      now,
    );
    this.unsyncedRows.reset();
    this.oldestUnsynced.reset();
    for (const sample of samples.rows) {
      this.unsyncedRows.set({ mapping: sample.mapping, status: sample.status }, sample.rows);
    }
    for (const sample of samples.oldest) {
      this.oldestUnsynced.set({ mapping: sample.mapping }, sample.ageSeconds);
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name: PREFIX + name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name: PREFIX + name, help, labelNames, registers: [this.registry] });
  }
}

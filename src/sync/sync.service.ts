import {
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig, MappingConfig } from '../config/config.types.js';
import { DealLinkRepository } from '../persistence/deal-link.repository.js';
import { RunMode, RunStatus, RunTrigger, type SyncRun } from '../persistence/entities/sync-run.entity.js';
import { SyncOperationRepository } from '../persistence/sync-operation.repository.js';
import { SyncRunRepository } from '../persistence/sync-run.repository.js';
import { isRunLockHeld, tryRunLock } from './run-lock.js';
import { RunLease } from './run-lease.js';
import { SyncRunExecutor } from './sync-run.executor.js';

export interface ResyncRequest {
  mapping: string;
  mode: RunMode;
  erpKeys?: string[];
  dryRun?: boolean;
  requestedBy?: string;
}

const LOCK_POLL_MS = 1000;
const DEAD_RUN =
  'the process running it stopped or lost the state database (its lease expired); its open operations are resumed by the next run';

/**
 * Admits runs: queues them, runs each mapping's queue in order under its advisory lock, cancels and
 * retries them, and closes runs left behind by a dead process.
 */
@Injectable()
export class SyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  private readonly workers = new Map<string, Promise<void>>();
  /** This process's identity on the runs it leases. */
  private readonly owner = randomUUID();
  private stopping = false;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: SyncRunRepository,
    private readonly operations: SyncOperationRepository,
    private readonly links: DealLinkRepository,
    private readonly executor: SyncRunExecutor,
  ) {}

  /** Queues a run and starts it in the background; resolves with the queued run's id. */
  async requestRun(request: ResyncRequest & { trigger: RunTrigger }): Promise<number> {
    this.mappingNamed(request.mapping);
    const run = await this.runs.queue(request);
    this.logger.log(
      `Run ${run.id} queued: ${request.mode} ${request.dryRun ? 'dry run ' : ''}of ${request.mapping}`,
    );
    this.drainSoon(request.mapping);
    return run.id;
  }

  /** A scheduled run is skipped (not queued) while another run of the mapping is in progress anywhere. */
  async requestScheduledRun(mapping: string, mode: RunMode): Promise<number | null> {
    if (
      this.workers.has(mapping) ||
      (await isRunLockHeld(this.dataSource, mapping)) ||
      (await this.runs.findLiveRun(mapping))
    ) {
      this.logger.log(`Scheduled ${mode} run of ${mapping} skipped: a run of this mapping is in progress`);
      return null;
    }
    return this.requestRun({ mapping, mode, trigger: RunTrigger.Schedule });
  }

  /**
   * Queues a run and waits for it to finish (the CLI's `run`, a run syncing its parents first). When the process
   * stops first, the run is returned unfinished: it stays queued for the next start.
   */
  async runAndWait(request: ResyncRequest & { trigger: RunTrigger }): Promise<SyncRun> {
    const id = await this.requestRun(request);
    for (;;) {
      await this.workers.get(request.mapping);
      const run = await this.runs.findById(id);
      if (run && (run.finishedAt !== null || this.stopping)) {
        return run;
      }
      await sleep(200);
      this.drainSoon(request.mapping);
    }
  }

  async cancel(runId: number): Promise<boolean> {
    await this.runOrThrow(runId);
    return this.runs.requestCancel(runId);
  }

  /** Re-queues the run's failed and parked rows as a new run, whether or not the ERP rows changed. */
  async retry(runId: number): Promise<number> {
    const run = await this.runOrThrow(runId);
    const erpKeys = await this.operations.failedKeysOfRun(runId);
    await this.links.releaseForRetry(run.mapping, runId, new Date());
    return this.requestRun({
      mapping: run.mapping,
      mode: RunMode.Incremental,
      erpKeys,
      trigger: RunTrigger.Retry,
    });
  }

  /**
   * Crash recovery: runs whose lease expired (their process died or lost the database) are closed; their open
   * operations stay for the next run. Queued runs of mappings no longer configured are closed.
   */
  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    const closed = await this.runs.closeExpired(null, DEAD_RUN, now);
    if (closed.length > 0) {
      this.logger.warn(
        `Run(s) ${closed.join(', ')} were left running by a stopped process: closed as failed`,
      );
    }
    const unconfigured = (await this.runs.findUnfinished()).filter(
      (run) => run.status === RunStatus.Queued && !this.config.mappings.some((m) => m.name === run.mapping),
    );
    for (const run of unconfigured) {
      await this.runs.closeQueued(run.id, `mapping "${run.mapping}" is no longer configured`, now);
    }
  }

  /** The daemon picks up runs queued before it started (the CLI only runs what it was asked to). */
  async resumeQueued(): Promise<void> {
    for (const run of await this.runs.findUnfinished()) {
      if (
        run.status === RunStatus.Queued &&
        this.config.mappings.some((mapping) => mapping.name === run.mapping)
      ) {
        this.drainSoon(run.mapping);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.workers.values()]);
  }

  private drainSoon(mapping: string): void {
    if (this.workers.has(mapping) || this.stopping) {
      return;
    }
    const worker = this.drain(mapping)
      .catch((error: unknown) => this.logger.error(`Runs of ${mapping} stopped: ${(error as Error).message}`))
      .finally(() => this.workers.delete(mapping));
    this.workers.set(mapping, worker);
  }

  /** Runs the mapping's queued runs one after another, each under the mapping's advisory lock and its own lease. */
  private async drain(mapping: string): Promise<void> {
    while (!this.stopping) {
      const next = await this.runs.findNextQueued(mapping);
      if (!next) {
        return;
      }
      const lock = await this.waitForLock(mapping);
      if (!lock) {
        return;
      }
      try {
        const admitted = await this.admit(next.id, mapping);
        if (admitted) {
          const control = { shouldStop: () => this.stopping };
          await this.executor
            .execute(admitted.run, this.mappingNamed(mapping), control, admitted.lease)
            .finally(() => admitted.lease.stop());
        }
      } finally {
        await lock.release();
      }
    }
  }

  /**
   * Starts the run under a new lease once no other run of the mapping is live. The advisory lock alone does not prove
   * that (its connection can die while its process keeps running): the database's one-running-run index does.
   * Null when the run is no longer queued (cancelled) or the process is stopping.
   */
  private async admit(runId: number, mapping: string): Promise<{ run: SyncRun; lease: RunLease } | null> {
    let announced = false;
    while (!this.stopping) {
      await this.runs.closeExpired(mapping, DEAD_RUN, new Date());
      const grantedAt = performance.now();
      if (await this.runs.start(runId, this.owner, this.config.runLeaseTtlMs, new Date())) {
        const run = (await this.runs.findById(runId)) as SyncRun;
        const lease = new RunLease(this.runs, runId, this.owner, this.config.runLeaseTtlMs, this.logger);
        return { run, lease: lease.keep(grantedAt) };
      }
      if ((await this.runs.findById(runId))?.status !== RunStatus.Queued) {
        return null;
      }
      const live = await this.runs.findLiveRun(mapping);
      if (live && !announced) {
        announced = true;
        this.logger.warn(
          `Run ${runId} waits: run ${live.id} of ${mapping} is still running in another process (lease until ${live.leaseExpiresAt?.toISOString()})`,
        );
      }
      await sleep(LOCK_POLL_MS);
    }
    return null;
  }

  private async waitForLock(mapping: string) {
    while (!this.stopping) {
      const lock = await tryRunLock(this.dataSource, mapping);
      if (lock) {
        return lock;
      }
      await sleep(LOCK_POLL_MS);
    }
    return null;
  }

  private mappingNamed(name: string): MappingConfig {
    const mapping = this.config.mappings.find((candidate) => candidate.name === name);
    if (!mapping) {
      throw new NotFoundException(
        `Unknown mapping "${name}" (configured: ${this.config.mappings.map((m) => m.name).join(', ') || 'none'})`,
      );
    }
    return mapping;
  }

  private async runOrThrow(runId: number): Promise<SyncRun> {
    const run = await this.runs.findById(runId);
    if (!run) {
      throw new NotFoundException(`Run ${runId} does not exist`);
    }
    return run;
  }
}

import {
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig, MappingConfig } from '../config/config.types.js';
import { DealLinkRepository } from '../persistence/deal-link.repository.js';
import { RunMode, RunStatus, RunTrigger, type SyncRun } from '../persistence/entities/sync-run.entity.js';
import { SyncOperationRepository } from '../persistence/sync-operation.repository.js';
import { SyncRunRepository } from '../persistence/sync-run.repository.js';
import { isRunLockHeld, tryRunLock } from './run-lock.js';
import { SyncRunExecutor } from './sync-run.executor.js';

export interface ResyncRequest {
  mapping: string;
  mode: RunMode;
  erpKeys?: string[];
  dryRun?: boolean;
  requestedBy?: string;
}

const LOCK_POLL_MS = 1000;

/**
 * Admits runs: queues them, runs each mapping's queue in order under its advisory lock, cancels and
 * retries them, and closes runs left behind by a dead process.
 */
@Injectable()
export class SyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  private readonly workers = new Map<string, Promise<void>>();
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
    if (this.workers.has(mapping) || (await isRunLockHeld(this.dataSource, mapping))) {
      this.logger.log(`Scheduled ${mode} run of ${mapping} skipped: a run of this mapping is in progress`);
      return null;
    }
    return this.requestRun({ mapping, mode, trigger: RunTrigger.Schedule });
  }

  /** Queues a run and waits for it to finish (the CLI's `run`). */
  async runAndWait(request: ResyncRequest & { trigger: RunTrigger }): Promise<SyncRun> {
    const id = await this.requestRun(request);
    for (;;) {
      await this.workers.get(request.mapping);
      const run = await this.runs.findById(id);
      if (run && run.finishedAt !== null) {
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

  /** Crash recovery: runs left `running` by a dead process are closed; their open operations stay for the next run. */
  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    for (const run of await this.runs.findUnfinished()) {
      if (!this.config.mappings.some((mapping) => mapping.name === run.mapping)) {
        await this.runs.closeAbandoned([run.id], `mapping "${run.mapping}" is no longer configured`, now);
      } else if (run.status === RunStatus.Running && !(await isRunLockHeld(this.dataSource, run.mapping))) {
        await this.runs.closeAbandoned(
          [run.id],
          'the process running it stopped (crash or kill); its open operations are resumed by the next run',
          now,
        );
        this.logger.warn(
          `Run ${run.id} of ${run.mapping} was left running by a dead process: closed as failed`,
        );
      }
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

  /** Runs the mapping's queued runs one after another, each under the mapping's advisory lock. */
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
        await this.closeRunsOfDeadHolders(mapping);
        const run = await this.runs.findById(next.id);
        if (run?.status === RunStatus.Queued) {
          await this.executor.execute(run, this.mappingNamed(mapping), { shouldStop: () => this.stopping });
        }
      } finally {
        await lock.release();
      }
    }
  }

  /** Holding the mapping's lock proves no live process runs it: any run still `running` was left by a dead one. */
  private async closeRunsOfDeadHolders(mapping: string): Promise<void> {
    const stale = (await this.runs.findUnfinished()).filter(
      (run) => run.mapping === mapping && run.status === RunStatus.Running,
    );
    await this.runs.closeAbandoned(
      stale.map((run) => run.id),
      'the process running it stopped (crash or kill); its open operations are resumed by the next run',
      new Date(),
    );
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

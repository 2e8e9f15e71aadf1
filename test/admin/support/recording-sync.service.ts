import { ConflictException, Injectable, Module, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { InjectConfig } from '../../../src/config/config.module.js';
import type { AppConfig } from '../../../src/config/config.types.js';
import { OperationStatus, SyncOperation } from '../../../src/persistence/entities/sync-operation.entity.js';
import {
  RunMode,
  RunStatus,
  RunTrigger,
  SyncRun,
} from '../../../src/persistence/entities/sync-run.entity.js';
import { SyncRunRepository } from '../../../src/persistence/sync-run.repository.js';
import { SyncService, type ResyncRequest } from '../../../src/sync/sync.service.js';

export type RecordedRequest = ResyncRequest & { trigger: RunTrigger };

/** A test double of the engine: queues runs through the real repository and remembers what it was asked. */
@Injectable()
export class RecordingSyncService implements Pick<
  SyncService,
  'requestRun' | 'requestScheduledRun' | 'resumeQueued' | 'cancel' | 'retry'
> {
  readonly requests: RecordedRequest[] = [];
  /**
   * Cron ticks, kept apart and never queued: the mapping schedules fire on wall-clock minutes, so a spec
   * that crosses one must not see an extra request or run.
   */
  readonly scheduled: Array<{ mapping: string; mode: RunMode }> = [];

  constructor(
    private readonly runs: SyncRunRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async requestRun(request: RecordedRequest): Promise<number> {
    if (!this.config.mappings.some((mapping) => mapping.name === request.mapping)) {
      throw new NotFoundException(`Unknown mapping "${request.mapping}"`);
    }
    this.requests.push(request);
    return (await this.runs.queue(request)).id;
  }

  requestScheduledRun(mapping: string, mode: RunMode): Promise<number | null> {
    this.scheduled.push({ mapping, mode });
    return Promise.resolve(null);
  }

  async resumeQueued(): Promise<void> {
    return Promise.resolve();
  }

  async cancel(runId: number): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(SyncRun)
      .update({ id: runId, status: In([RunStatus.Queued, RunStatus.Running]) }, { cancelRequested: true });
    return (result.affected ?? 0) > 0;
  }

  async retry(runId: number): Promise<number> {
    const source = await this.runs.findById(runId);
    if (source === null) {
      throw new NotFoundException(`Run ${runId} not found`);
    }
    const failed = await this.dataSource
      .getRepository(SyncOperation)
      .findBy({ runId, status: In([OperationStatus.Failed, OperationStatus.Parked]) });
    if (failed.length === 0) {
      throw new ConflictException(`Run ${runId} has no failed or parked operations`);
    }
    const run = await this.runs.queue({
      mapping: source.mapping,
      trigger: RunTrigger.Retry,
      mode: source.mode,
      erpKeys: failed.map((operation) => operation.erpKey),
      requestedBy: `retry of run ${runId}`,
    });
    return run.id;
  }
}

@Module({
  providers: [RecordingSyncService, { provide: SyncService, useExisting: RecordingSyncService }],
  exports: [SyncService, RecordingSyncService],
})
export class RecordingSyncModule {}

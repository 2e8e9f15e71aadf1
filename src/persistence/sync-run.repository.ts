import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { RunMode, RunStatus, RunTrigger, SyncRun } from './entities/sync-run.entity.js';

export interface RunRequest {
  readonly mapping: string;
  readonly trigger: RunTrigger;
  readonly mode: RunMode;
  readonly requestedBy?: string | null;
  readonly dryRun?: boolean;
  readonly erpKeys?: readonly string[] | null;
}

@Injectable()
export class SyncRunRepository {
  private readonly runs: Repository<SyncRun>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.runs = dataSource.getRepository(SyncRun);
  }

  async queue(request: RunRequest): Promise<SyncRun> {
    return this.runs.save(
      this.runs.create({
        mapping: request.mapping,
        trigger: request.trigger,
        mode: request.mode,
        requestedBy: request.requestedBy ?? null,
        dryRun: request.dryRun ?? false,
        erpKeys: request.erpKeys ? [...request.erpKeys] : null,
        status: RunStatus.Queued,
      }),
    );
  }

  async findById(id: number): Promise<SyncRun | null> {
    return this.runs.findOneBy({ id });
  }

  async findLatest(mapping: string): Promise<SyncRun | null> {
    return this.runs.findOne({ where: { mapping }, order: { id: 'DESC' } });
  }

  async markRunning(id: number, now: Date): Promise<void> {
    await this.runs.update({ id, status: RunStatus.Queued }, { status: RunStatus.Running, startedAt: now });
  }
}

export { RunMode, RunStatus, RunTrigger };

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import { OperationStatus } from './entities/sync-operation.entity.js';
import { RunMode, RunStatus, RunTrigger, SyncRun, type CursorPosition } from './entities/sync-run.entity.js';

export interface RunRequest {
  readonly mapping: string;
  readonly trigger: RunTrigger;
  readonly mode: RunMode;
  readonly requestedBy?: string | null;
  readonly dryRun?: boolean;
  readonly erpKeys?: readonly string[] | null;
}

/** What a run counts as it goes; saved as progress and at the end. */
export interface RunCounters {
  readonly rowsRead: number;
  readonly planned: number;
  readonly applied: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly failed: number;
}

export const ZERO_COUNTERS: RunCounters = {
  rowsRead: 0,
  planned: 0,
  applied: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
  failed: 0,
};

export const FINISHED_STATUSES = [
  RunStatus.Succeeded,
  RunStatus.PartiallyFailed,
  RunStatus.Failed,
  RunStatus.Cancelled,
] as const;

export interface RunEnd {
  readonly status: RunStatus;
  readonly counters: RunCounters;
  readonly error: string | null;
  /** Where an incremental read started (the confirmed cursor before this run). */
  readonly cursorFrom: CursorPosition | null;
  readonly cursorTo: CursorPosition | null;
  /** Advance the mapping's cursor to `cursorTo` (only when every operation of the run is settled). */
  readonly advanceCursor: boolean;
}

@Injectable()
export class SyncRunRepository {
  private readonly runs: Repository<SyncRun>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
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

  async findNextQueued(mapping: string): Promise<SyncRun | null> {
    return this.runs.findOne({ where: { mapping, status: RunStatus.Queued }, order: { id: 'ASC' } });
  }

  async findUnfinished(): Promise<SyncRun[]> {
    return this.runs.find({
      where: { status: In([RunStatus.Queued, RunStatus.Running]) },
      order: { id: 'ASC' },
    });
  }

  async start(id: number, cursorFrom: CursorPosition | null, now: Date): Promise<void> {
    await this.runs.update(id, { status: RunStatus.Running, startedAt: now, cursorFrom });
  }

  async saveProgress(id: number, counters: RunCounters): Promise<void> {
    await this.runs.update(id, { ...counters });
  }

  async isCancelRequested(id: number): Promise<boolean> {
    return this.runs.existsBy({ id, cancelRequested: true });
  }

  /** Flags a queued or running run for cancellation; false when it had already finished. */
  async requestCancel(id: number): Promise<boolean> {
    const result = await this.runs.update(
      { id, status: In([RunStatus.Queued, RunStatus.Running]) },
      { cancelRequested: true },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Ends a run; in the same transaction, moves the mapping's cursor if every operation of the run is settled. */
  async finish(run: SyncRun, end: RunEnd, now: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(SyncRun, run.id, {
        ...end.counters,
        status: end.status,
        error: end.error,
        cursorFrom: end.cursorFrom,
        cursorTo: end.cursorTo,
        finishedAt: now,
      });
      if (!end.advanceCursor || end.cursorTo === null) {
        return;
      }
      await manager.query(
        `INSERT INTO sync_cursor (mapping, value, erp_key, updated_at)
         SELECT $1, $2, $3::jsonb, $4
          WHERE NOT EXISTS (SELECT 1 FROM sync_operation WHERE run_id = $5 AND status IN ($6, $7))
         ON CONFLICT (mapping) DO UPDATE SET value = EXCLUDED.value, erp_key = EXCLUDED.erp_key,
                                             updated_at = EXCLUDED.updated_at`,
        [
          run.mapping,
          end.cursorTo.value,
          JSON.stringify(end.cursorTo.key),
          now,
          run.id,
          OperationStatus.Pending,
          OperationStatus.InFlight,
        ],
      );
    });
  }

  /** Closes runs whose process died (no live holder of their mapping's lock), with the reason. */
  async closeAbandoned(ids: readonly number[], reason: string, now: Date): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.runs.update(
      { id: In([...ids]), status: RunStatus.Running },
      { status: RunStatus.Failed, error: reason, finishedAt: now },
    );
  }
}

export { RunMode, RunStatus, RunTrigger };

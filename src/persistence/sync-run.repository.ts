import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import { OperationStatus } from './entities/sync-operation.entity.js';
import { RunMode, RunStatus, RunTrigger, SyncRun, type CursorPosition } from './entities/sync-run.entity.js';

const UNIQUE_VIOLATION = '23505';

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
  /** Operations Bitrix24 confirmed (src/sync/run-tally.ts defines applied, failed and remaining for everyone). */
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

  /**
   * Starts a queued run under a lease owned by `owner`, expiring `ttlMs` from now by the database's clock. False when
   * the run is no longer queued, or another run of the mapping is running (at most one is: `ux_sync_run_running`).
   */
  async start(id: number, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    try {
      const [, affected] = await this.dataSource.query<[unknown, number]>(
        `UPDATE sync_run SET status = 'running', started_at = $2, lease_owner = $3,
                lease_expires_at = now() + make_interval(secs => $4::double precision / 1000)
          WHERE id = $1 AND status = 'queued'`,
        [id, now, owner, ttlMs],
      );
      return affected > 0;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        return false;
      }
      throw error;
    }
  }

  /** Compare-and-set: extends the lease only while `owner` still holds it unexpired. */
  async renewLease(id: number, owner: string, ttlMs: number): Promise<boolean> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `UPDATE sync_run SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND lease_owner = $2 AND status = 'running' AND lease_expires_at > now()`,
      [id, owner, ttlMs],
    );
    return affected > 0;
  }

  /** The mapping's running run whose lease is still live (its process may be working on it), if any. */
  async findLiveRun(mapping: string): Promise<SyncRun | null> {
    return this.runs
      .createQueryBuilder('run')
      .where('run.mapping = :mapping AND run.status = :running', { mapping, running: RunStatus.Running })
      .andWhere('run.lease_expires_at > now()')
      .getOne();
  }

  /** Closes the mapping's running runs whose lease expired: their process died or lost touch with the database. */
  async closeExpired(mapping: string | null, reason: string, now: Date): Promise<number[]> {
    const [rows] = await this.dataSource.query<[Array<{ id: number }>, number]>(
      `UPDATE sync_run SET status = 'failed', error = $2, finished_at = $3
        WHERE status = 'running' AND ($1::text IS NULL OR mapping = $1)
          AND (lease_expires_at IS NULL OR lease_expires_at <= now())
       RETURNING id`,
      [mapping, reason, now],
    );
    return rows.map((row) => row.id);
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

  /**
   * Ends a run its owner still holds; in the same transaction, moves the mapping's cursor if every operation of the
   * run is settled. False (and nothing written) when the run is not `owner`'s anymore.
   */
  async finish(run: SyncRun, owner: string, end: RunEnd, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        SyncRun,
        { id: run.id, status: RunStatus.Running, leaseOwner: owner },
        {
          ...end.counters,
          status: end.status,
          error: end.error,
          cursorFrom: end.cursorFrom,
          cursorTo: end.cursorTo,
          finishedAt: now,
          leaseExpiresAt: null,
        },
      );
      if (!result.affected) {
        return false;
      }
      if (end.advanceCursor && end.cursorTo !== null) {
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
      }
      return true;
    });
  }

  /** Closes a queued run nobody will run (its mapping is no longer configured), with the reason. */
  async closeQueued(id: number, reason: string, now: Date): Promise<void> {
    await this.runs.update(
      { id, status: RunStatus.Queued },
      { status: RunStatus.Failed, error: reason, finishedAt: now },
    );
  }
}

export { RunMode, RunStatus, RunTrigger };

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  In,
  LessThan,
  MoreThan,
  MoreThanOrEqual,
  And,
  type DataSource,
  type FindOperator,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';
import { DealLink } from './entities/deal-link.entity.js';
import { OperationAction, OperationStatus, SyncOperation } from './entities/sync-operation.entity.js';
import { RunMode, RunStatus, RunTrigger, SyncRun } from './entities/sync-run.entity.js';
import { FINISHED_STATUSES } from './sync-run.repository.js';

export interface RunFilter {
  readonly mapping?: string;
  readonly statuses?: readonly RunStatus[];
  readonly triggers?: readonly RunTrigger[];
  /** Runs created at or after this time. */
  readonly from?: Date;
  /** Runs created before this time. */
  readonly to?: Date;
}

export interface OperationFilter {
  readonly statuses?: readonly OperationStatus[];
  readonly actions?: readonly OperationAction[];
  readonly erpKey?: string;
}

/** Keyset page: rows after `afterId` in the listing's order; `limit + 1` rows are read to know whether more exist. */
export interface PageRequest<TId> {
  readonly afterId?: TId;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly hasMore: boolean;
}

/** Rows of one mapping waiting to be synced, by status (see countUnsyncedRows). */
export interface UnsyncedRows {
  readonly mapping: string;
  readonly status: OperationStatus;
  readonly rows: number;
  /** The oldest operation's creation; for parked rows, the oldest parked link's last update. */
  readonly oldestCreatedAt: Date;
}

/** What a dry run shows of one operation: no fields, payload or timestamps to read and hydrate. */
export type PlannedOperationView = Pick<
  SyncOperation,
  'id' | 'erpKey' | 'action' | 'status' | 'dealId' | 'changes' | 'errorCode' | 'errorMessage'
>;

/** The sync log as operators read it: runs, their operations, one record's history, and retention. */
@Injectable()
export class SyncLogRepository {
  private readonly runs: Repository<SyncRun>;
  private readonly operations: Repository<SyncOperation>;
  private readonly links: Repository<DealLink>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.runs = dataSource.getRepository(SyncRun);
    this.operations = dataSource.getRepository(SyncOperation);
    this.links = dataSource.getRepository(DealLink);
  }

  /** Newest first. */
  async listRuns(filter: RunFilter, page: PageRequest<number>): Promise<Page<SyncRun>> {
    const where = definedOnly<FindOptionsWhere<SyncRun>>({
      mapping: filter.mapping,
      status: oneOf(filter.statuses),
      trigger: oneOf(filter.triggers),
      createdAt: within(filter.from, filter.to),
      id: page.afterId === undefined ? undefined : LessThan(page.afterId),
    });
    const rows = await this.runs.find({ where, order: { id: 'DESC' }, take: page.limit + 1 });
    return toPage(rows, page.limit);
  }

  async findRun(id: number): Promise<SyncRun | null> {
    return this.runs.findOneBy({ id });
  }

  async countRunOperationsByStatus(runId: number): Promise<Record<OperationStatus, number>> {
    const rows: { status: OperationStatus; count: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS count FROM sync_operation WHERE run_id = $1 GROUP BY status`,
      [runId],
    );
    const counts = Object.fromEntries(Object.values(OperationStatus).map((status) => [status, 0]));
    for (const row of rows) {
      counts[row.status] = row.count;
    }
    return counts as Record<OperationStatus, number>;
  }

  /** In the order they were planned. */
  async listRunOperations(
    runId: number,
    filter: OperationFilter,
    page: PageRequest<string>,
  ): Promise<Page<SyncOperation>> {
    const where = definedOnly<FindOptionsWhere<SyncOperation>>({
      runId,
      status: oneOf(filter.statuses),
      action: oneOf(filter.actions),
      erpKey: filter.erpKey,
      id: page.afterId === undefined ? undefined : MoreThan(page.afterId),
    });
    const rows = await this.operations.find({ where, order: { id: 'ASC' }, take: page.limit + 1 });
    return toPage(rows, page.limit);
  }

  /**
   * A run's operations in id order, lean (`plan` prints 10^5–10^6 of them: raw rows, no entity hydration). Each
   * page walks the primary key from `afterId` (no bitmap scan, no sort): the planner's choice, fetching the run's
   * remaining operations and sorting them for every page, made printing a plan quadratic in its size.
   */
  async listPlannedOperations(
    runId: number,
    page: { readonly afterId: string | null; readonly limit: number },
  ): Promise<PlannedOperationView[]> {
    const rows: {
      id: string;
      erp_key: string;
      action: OperationAction;
      status: OperationStatus;
      deal_id: number | null;
      changes: SyncOperation['changes'];
      error_code: string | null;
      error_message: string | null;
    }[] = await this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off');
      return manager.query(
        `SELECT id, erp_key, action, status, deal_id, changes, error_code, error_message
           FROM sync_operation WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [runId, page.afterId ?? '0', page.limit],
      );
    });
    return rows.map((row) => ({
      id: row.id,
      erpKey: row.erp_key,
      action: row.action,
      status: row.status,
      dealId: row.deal_id,
      changes: row.changes,
      errorCode: row.error_code,
      errorMessage: row.error_message,
    }));
  }

  async findLink(mapping: string, erpKey: string): Promise<DealLink | null> {
    return this.links.findOneBy({ mapping, erpKey });
  }

  /** Every operation that touched one ERP row, newest first. */
  async listRecordOperations(mapping: string, erpKey: string, limit: number): Promise<Page<SyncOperation>> {
    const rows = await this.operations.find({
      where: { mapping, erpKey },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit + 1,
    });
    return toPage(rows, limit);
  }

  /** The newest run of each mapping that has one. */
  async findLatestRuns(mappings: readonly string[]): Promise<Map<string, SyncRun>> {
    if (mappings.length === 0) {
      return new Map();
    }
    const ids: { id: number }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (mapping) id FROM sync_run WHERE mapping = ANY($1) ORDER BY mapping, id DESC`,
      [mappings],
    );
    const runs = await this.runs.findBy({ id: In(ids.map((row) => row.id)) });
    return new Map(runs.map((run) => [run.mapping, run]));
  }

  /** Whether any run, operation or link mentions the mapping (it may have left the mapping file). */
  async hasHistory(mapping: string): Promise<boolean> {
    const rows: { found: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM sync_run WHERE mapping = $1)
           OR EXISTS (SELECT 1 FROM deal_link WHERE mapping = $1) AS found`,
      [mapping],
    );
    return rows[0]?.found === true;
  }

  /**
   * Rows waiting to be synced. Pending and in-flight operations are one per key (ux_sync_operation_open_key);
   * a failed operation counts while it is its row's latest (a failure that a later operation superseded is
   * history, not backlog); parked rows are the links parked for an operator.
   */
  async countUnsyncedRows(): Promise<UnsyncedRows[]> {
    // The cost estimate of the per-row subquery crosses jit_above_cost, and compiling costs more than running.
    const rows = await this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL jit = off');
      return manager.query<{ mapping: string; status: OperationStatus; rows: number; oldest: Date }[]>(
        `SELECT o.mapping, o.status::text AS status, count(*)::int AS rows, min(o.created_at) AS oldest
           FROM sync_operation o
          WHERE o.status IN ('pending', 'in_flight', 'failed')
            AND (o.status <> 'failed'
                 OR (o.id = (SELECT max(later.id) FROM sync_operation later
                              WHERE later.mapping = o.mapping AND later.erp_key = o.erp_key)
                     -- A row fixed back to what Bitrix24 already holds is settled by its link, with no new
                     -- operation: the link, not the last operation, says whether the row still fails.
                     AND EXISTS (SELECT 1 FROM deal_link l
                                  WHERE l.mapping = o.mapping AND l.erp_key = o.erp_key
                                    AND l.failed_attempts > 0 AND NOT l.parked)))
          GROUP BY o.mapping, o.status
         UNION ALL
         SELECT mapping, 'parked', count(*)::int, min(updated_at)
           FROM deal_link WHERE parked
          GROUP BY mapping`,
      );
    });
    return rows.map((row) => ({
      mapping: row.mapping,
      status: row.status,
      rows: row.rows,
      oldestCreatedAt: new Date(row.oldest),
    }));
  }

  /**
   * Deletes up to `chunkSize` operations created before `cutoff`, oldest first, and says how many went.
   * Only finished operations of finished runs go: a pending or in-flight operation is the outbox that a
   * restart resumes, whatever its age.
   */
  async pruneOperationsChunk(cutoff: Date, chunkSize: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM sync_operation WHERE id IN (
         SELECT o.id FROM sync_operation o JOIN sync_run r ON r.id = o.run_id
          WHERE o.created_at < $1
            AND o.status IN ('planned', 'succeeded', 'failed', 'parked')
            AND r.status = ANY($2::run_status[])
          ORDER BY o.created_at, o.id
          LIMIT $3)`,
      [cutoff, [...FINISHED_STATUSES], chunkSize],
    );
    return deleted;
  }
}

function oneOf<T>(values: readonly T[] | undefined): FindOperator<T> | undefined {
  return values === undefined || values.length === 0 ? undefined : In([...values]);
}

function within(from: Date | undefined, to: Date | undefined): FindOperator<Date> | undefined {
  if (from !== undefined && to !== undefined) {
    return And(MoreThanOrEqual(from), LessThan(to));
  }
  if (from !== undefined) {
    return MoreThanOrEqual(from);
  }
  return to === undefined ? undefined : LessThan(to);
}

/** TypeORM 1 rejects `undefined` in a where object (invalidWhereValuesBehavior); an absent filter is left out. */
function definedOnly<T extends object>(where: T): T {
  return Object.fromEntries(Object.entries(where).filter(([, value]) => value !== undefined)) as T;
}

function toPage<T>(rows: T[], limit: number): Page<T> {
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

export { OperationAction, OperationStatus, RunMode, RunStatus, RunTrigger };

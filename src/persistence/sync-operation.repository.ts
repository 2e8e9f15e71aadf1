import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { CursorPosition } from './entities/sync-run.entity.js';
import { NO_KEY } from './sync-outcome.repository.js';
import {
  OperationAction,
  OperationStatus,
  SyncOperation,
  type FieldChange,
} from './entities/sync-operation.entity.js';

/** An operation as the planner hands it to the outbox. */
export interface NewOperation {
  readonly runId: number;
  readonly mapping: string;
  readonly erpKey: string;
  readonly action: OperationAction;
  readonly dealId: number | null;
  readonly fields: Record<string, unknown>;
  readonly payload: Record<string, unknown> | null;
  readonly payloadHash: string | null;
  readonly changes: Record<string, FieldChange>;
  readonly cursor: CursorPosition | null;
}

const INSERT_CHUNK = 500;
const OPEN = [OperationStatus.Pending, OperationStatus.InFlight];

@Injectable()
export class SyncOperationRepository {
  private readonly operations: Repository<SyncOperation>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.operations = dataSource.getRepository(SyncOperation);
  }

  /**
   * Writes operations to the outbox and returns how many were queued. A key that already has an open
   * operation is skipped (the unique index on open keys), so a key never has two creates in flight.
   */
  async enqueue(
    operations: readonly NewOperation[],
    status: OperationStatus.Pending | OperationStatus.Planned = OperationStatus.Pending,
  ): Promise<number> {
    let queued = 0;
    for (let start = 0; start < operations.length; start += INSERT_CHUNK) {
      const rows = operations
        .slice(start, start + INSERT_CHUNK)
        .map((operation) => this.toRow(operation, status));
      const result = await this.operations
        .createQueryBuilder()
        .insert()
        .values(rows as QueryDeepPartialEntity<SyncOperation>[])
        .orIgnore()
        .returning(['id'])
        .execute();
      queued += (result.raw as unknown[]).length;
    }
    return queued;
  }

  /** Open (pending or in-flight) operations of a mapping, oldest first: what a run must finish before planning. */
  async findOpen(mapping: string, afterId: string | null, limit: number): Promise<SyncOperation[]> {
    const query = this.operations
      .createQueryBuilder('operation')
      .where('operation.mapping = :mapping', { mapping })
      .andWhere('operation.status IN (:...open)', { open: OPEN })
      .orderBy('operation.id', 'ASC')
      .limit(limit);
    if (afterId !== null) {
      query.andWhere('operation.id > :afterId', { afterId });
    }
    return query.getMany();
  }

  async countOpen(mapping: string): Promise<number> {
    return this.operations.countBy({ mapping, status: In(OPEN) });
  }

  /** Claims operations just before their request is sent: a crash from here on means "outcome unknown". */
  async markInFlight(ids: readonly string[], now: Date): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.operations
      .createQueryBuilder()
      .update()
      .set({ status: OperationStatus.InFlight, attempt: () => 'attempt + 1', updatedAt: now })
      .whereInIds([...ids])
      .execute();
  }

  /** A create whose deal turned out to exist already becomes an update of that deal. */
  async turnIntoUpdate(
    operation: SyncOperation,
    dealId: number,
    fields: Record<string, unknown>,
  ): Promise<SyncOperation> {
    await this.operations.query(
      `UPDATE sync_operation SET action = $2, deal_id = $3, fields = $4 WHERE id = $1`,
      [operation.id, OperationAction.Update, dealId, fields],
    );
    return this.operations.create({ ...operation, action: OperationAction.Update, dealId, fields });
  }

  /** Back to pending with a note, e.g. an unknown outcome left for the next attempt. */
  async release(ids: readonly string[], code: string, message: string, now: Date): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.operations.update(
      { id: In([...ids]) },
      { status: OperationStatus.Pending, errorCode: code, errorMessage: message, updatedAt: now },
    );
  }

  /**
   * Keys of the run's failed and parked rows, in key order: what an operator's retry re-queues. Rows that
   * failed without a key (NULL or blank key columns) are left out: no key can read them again.
   */
  async failedKeysOfRun(runId: number): Promise<string[]> {
    const rows = await this.operations.query<Array<{ erp_key: string }>>(
      `SELECT DISTINCT erp_key FROM sync_operation
        WHERE run_id = $1 AND status IN ($2, $3) AND erp_key <> $4
        ORDER BY erp_key`,
      [runId, OperationStatus.Failed, OperationStatus.Parked, NO_KEY],
    );
    return rows.map((row) => row.erp_key);
  }

  private toRow(operation: NewOperation, status: OperationStatus): Partial<SyncOperation> {
    return {
      runId: operation.runId,
      mapping: operation.mapping,
      erpKey: operation.erpKey,
      action: operation.action,
      status,
      dealId: operation.dealId,
      fields: operation.fields,
      payload: operation.payload,
      payloadHash: operation.payloadHash,
      changes: operation.changes,
      cursor: operation.cursor,
    };
  }
}

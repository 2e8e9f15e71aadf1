import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type Repository } from 'typeorm';
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

const INSERT_CHUNK = 5000;

/**
 * One statement per chunk; a key that already has an open operation is skipped (`ux_sync_operation_open_key`).
 * The chunk travels as one JSON document of NewOperations as they are (the recordset's columns carry their
 * names): PostgreSQL parses it once, as json (no jsonb tree for the document itself), where jsonb[] array
 * literals cost it an escaped string per element (1.4x slower on a first sync's plan). The count comes back,
 * not one row per operation.
 */
const ENQUEUE = `
  WITH queued AS (
    INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, deal_id, fields, payload, payload_hash,
                                changes, cursor)
    SELECT planned."runId", planned.mapping, planned."erpKey", planned.action::operation_action,
           $1::operation_status, planned."dealId", planned.fields, planned.payload, planned."payloadHash",
           planned.changes, planned.cursor
      FROM json_to_recordset($2::json)
           AS planned ("runId" int, mapping text, "erpKey" text, action text, "dealId" int, fields jsonb,
                       payload jsonb, "payloadHash" text, changes jsonb, cursor jsonb)
    ON CONFLICT DO NOTHING
    RETURNING 1)
  SELECT count(*)::int AS queued FROM queued`;
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
      const chunk = operations.slice(start, start + INSERT_CHUNK);
      const [row] = await this.operations.query<{ queued: number }[]>(ENQUEUE, [
        status,
        JSON.stringify(chunk),
      ]);
      queued += row.queued;
    }
    return queued;
  }

  /** Open (pending or in-flight) operations of a mapping, oldest first: what a run must finish before planning. */
  async findOpen(mapping: string, afterId: string | null, limit: number): Promise<SyncOperation[]> {
    return this.byIndexScan((manager) => {
      const query = manager
        .getRepository(SyncOperation)
        .createQueryBuilder('operation')
        .where('operation.mapping = :mapping', { mapping })
        .andWhere('operation.status IN (:...open)', { open: OPEN })
        .orderBy('operation.id', 'ASC')
        .limit(limit);
      if (afterId !== null) {
        query.andWhere('operation.id > :afterId', { afterId });
      }
      return query.getMany();
    });
  }

  /**
   * Counted in findOpen's order, so through the same index: a run's last count walks the dead entries its own
   * confirmations left there, and the next run's first findOpen does not (1.9 s after a 10^6-deal first sync).
   */
  async countOpen(mapping: string): Promise<number> {
    return this.byIndexScan(async (manager) => {
      const [row] = await manager.query<{ open: number }[]>(
        `SELECT count(*)::int AS open
           FROM (SELECT id FROM sync_operation
                  WHERE mapping = $1 AND status IN ('pending', 'in_flight') ORDER BY id) AS open_operations`,
        [mapping],
      );
      return row.open;
    });
  }

  /**
   * Open-operation lookups go through the partial open-order index by an index scan, never a bitmap scan. Every
   * confirmed operation leaves a dead entry there until VACUUM; an index scan marks each one dead as it passes, so
   * it is read once, where a bitmap scan reads all of them again on every lookup (0.7 s per lookup after a
   * 100k-deal sync, in every run until autovacuum came by, and quadratic within the run that confirmed them).
   */
  private byIndexScan<T>(lookup: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.operations.manager.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_bitmapscan = off');
      return lookup(manager);
    });
  }

  /**
   * Compare-and-set claim by `runId` (DESIGN §3 invariant 6): a pending operation, or one left in flight by a run
   * whose lease is no longer live. An operation another live run holds is never taken. Returns the ids claimed.
   */
  async claim(ids: readonly string[], runId: number, now: Date): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const [rows] = await this.operations.query<[Array<{ id: string }>, number]>(
      `UPDATE sync_operation AS operation
          SET status = 'in_flight', claimed_by = $2, updated_at = $3
        WHERE operation.id = ANY($1::bigint[])
          AND (operation.status = 'pending'
               OR (operation.status = 'in_flight' AND NOT EXISTS (
                     SELECT 1 FROM sync_run AS holder
                      WHERE holder.id = operation.claimed_by AND holder.id <> $2
                        AND holder.status = 'running' AND holder.lease_expires_at > now())))
       RETURNING operation.id`,
      [ids, runId, now],
    );
    return new Set(rows.map((row) => String(row.id)));
  }

  /** Counts a send just before the request leaves: from here on a crash means "outcome unknown". */
  async markSent(ids: readonly string[], runId: number, now: Date): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.operations.query(
      `UPDATE sync_operation SET attempt = attempt + 1, updated_at = $3
        WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND status = 'in_flight'`,
      [ids, runId, now],
    );
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

  /** Back to pending with a note, e.g. an unknown outcome left for the next attempt; only the claiming run may. */
  async release(
    ids: readonly string[],
    runId: number,
    code: string,
    message: string,
    now: Date,
  ): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.operations.query(
      `UPDATE sync_operation SET status = 'pending', error_code = $3, error_message = $4, updated_at = $5
        WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND status = 'in_flight'`,
      [ids, runId, code, message, now],
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
}

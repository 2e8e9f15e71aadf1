import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { OperationAction, OperationStatus, type SyncOperation } from './entities/sync-operation.entity.js';

export type OperationOutcome =
  | { readonly kind: 'succeeded'; readonly operation: SyncOperation; readonly dealId: number }
  | {
      readonly kind: 'failed';
      readonly operation: SyncOperation;
      readonly code: string;
      readonly message: string;
    };

/** A row that failed before anything could be sent (its values do not map, its key is NULL or repeated). */
export interface RowFailure {
  readonly runId: number;
  readonly mapping: string;
  /** Null when the row has no usable key: recorded, but no link can carry its retry. */
  readonly erpKey: string | null;
  readonly action: OperationAction;
  readonly code: string;
  readonly message: string;
}

export const NO_KEY = '(no key)';

export interface RetryPolicy {
  /** Failed attempts after which the row is parked for an operator. */
  readonly maxAttempts: number;
  /** First retry delay; doubles with each further failure. */
  readonly backoffMs: number;
}

/** The run that sends, as the outbox knows it: only while it owns its live lease may it confirm (invariant 6). */
export interface RunFence {
  readonly runId: number;
  readonly owner: string;
}

/** Holds the run's row until commit, so no other process can close the run while its answers are confirmed. */
const HOLD_LEASE = `
  SELECT 1 FROM sync_run
   WHERE id = $1 AND lease_owner = $2 AND status = 'running' AND lease_expires_at > now()
     FOR UPDATE`;

/** Marks the operations the run claimed succeeded, with the deal each one resolved to. */
const CONFIRM_OPERATIONS = `
  UPDATE sync_operation AS operation
     SET status = 'succeeded', deal_id = confirmed.deal_id, error_code = NULL, error_message = NULL,
         finished_at = $3, updated_at = $3
    FROM unnest($1::bigint[], $2::int[]) AS confirmed (id, deal_id)
   WHERE operation.id = confirmed.id AND operation.claimed_by = $4 AND operation.status = 'in_flight'`;

/** Marks keys' links as confirmed: deal, payload and hash as Bitrix24 now has them; failure state cleared. */
const CONFIRM_LINKS = `
  INSERT INTO deal_link (mapping, erp_key, deal_id, payload, payload_hash, synced_at, removed, failed_attempts,
                         last_error, retry_at, parked, updated_at)
  SELECT $1, confirmed.erp_key, confirmed.deal_id, confirmed.payload, confirmed.payload_hash, $6, false, 0,
         NULL, NULL, false, $6
    FROM unnest($2::text[], $3::int[], $4::jsonb[], $5::text[]) AS confirmed (erp_key, deal_id, payload, payload_hash)
  ON CONFLICT (mapping, erp_key) DO UPDATE SET
    deal_id = EXCLUDED.deal_id,
    payload = COALESCE(EXCLUDED.payload, deal_link.payload),
    payload_hash = COALESCE(EXCLUDED.payload_hash, deal_link.payload_hash),
    synced_at = EXCLUDED.synced_at, removed = false, failed_attempts = 0, last_error = NULL,
    retry_at = NULL, parked = false, updated_at = EXCLUDED.updated_at`;

const REMOVE_LINKS = `
  UPDATE deal_link SET removed = true, synced_at = $3, failed_attempts = 0, last_error = NULL, retry_at = NULL,
                       parked = false, updated_at = $3
   WHERE mapping = $1 AND erp_key = ANY($2::text[])`;

/** Counts a failure on the key's link (creating it for a row never synced) and schedules its retry. */
const FAIL_LINK = `
  INSERT INTO deal_link (mapping, erp_key, failed_attempts, last_error, retry_at, parked, updated_at)
  VALUES ($1, $2, 1, $3, $4::timestamptz + make_interval(secs => $5::double precision / 1000), 1 >= $6, $4)
  ON CONFLICT (mapping, erp_key) DO UPDATE SET
    failed_attempts = deal_link.failed_attempts + 1,
    last_error = EXCLUDED.last_error,
    retry_at = $4::timestamptz
      + make_interval(secs => $5::double precision / 1000 * power(2, least(deal_link.failed_attempts, 16))),
    parked = deal_link.failed_attempts + 1 >= $6,
    updated_at = EXCLUDED.updated_at
  RETURNING parked`;

/**
 * Confirms what Bitrix24 answered: each operation's status, its key's link and hash, in one transaction
 * (DESIGN §3 invariant 2). Nothing here runs before Bitrix24 has answered.
 */
@Injectable()
export class SyncOutcomeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** False, with nothing written, when the run no longer holds its lease: its answers are left to the next owner. */
  async record(
    outcomes: readonly OperationOutcome[],
    fence: RunFence,
    retry: RetryPolicy,
    now: Date,
  ): Promise<boolean> {
    const succeeded = outcomes.filter((outcome) => outcome.kind === 'succeeded');
    return this.dataSource.transaction(async (manager) => {
      const held = await manager.query<unknown[]>(HOLD_LEASE, [fence.runId, fence.owner]);
      if (held.length === 0) {
        return false;
      }
      await this.confirm(manager, succeeded, fence.runId, now);
      for (const outcome of outcomes) {
        if (outcome.kind === 'failed') {
          await this.fail(manager, outcome.operation, outcome.code, outcome.message, retry, now);
        }
      }
      return true;
    });
  }

  /** A dry run records the failures for the operator to read, but leaves the links' retry state alone. */
  async recordRowFailures(
    failures: readonly RowFailure[],
    retry: RetryPolicy,
    now: Date,
    options: { dryRun: boolean } = { dryRun: false },
  ): Promise<void> {
    if (failures.length === 0) {
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      for (const failure of failures) {
        const touchLink = failure.erpKey !== null && !options.dryRun;
        const parked = touchLink ? await this.failLink(manager, failure, retry, now) : false;
        await manager.query(
          `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, fields, changes, error_code,
                                       error_message, finished_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, '{}', '{}', $6, $7, $8, $8, $8)`,
          [
            failure.runId,
            failure.mapping,
            failure.erpKey ?? NO_KEY,
            failure.action,
            parked ? OperationStatus.Parked : OperationStatus.Failed,
            failure.code,
            failure.message,
            now,
          ],
        );
      }
    });
  }

  /** Set-based: one statement per table for a whole chunk of answers. */
  private async confirm(
    manager: EntityManager,
    succeeded: ReadonlyArray<Extract<OperationOutcome, { kind: 'succeeded' }>>,
    runId: number,
    now: Date,
  ): Promise<void> {
    if (succeeded.length === 0) {
      return;
    }
    await manager.query(CONFIRM_OPERATIONS, [
      succeeded.map((outcome) => outcome.operation.id),
      succeeded.map((outcome) => outcome.dealId),
      now,
      runId,
    ]);
    for (const [mapping, group] of groupByMapping(succeeded)) {
      const removed = group.filter((outcome) => outcome.operation.action === OperationAction.Delete);
      const linked = group.filter((outcome) => outcome.operation.action !== OperationAction.Delete);
      if (removed.length > 0) {
        await manager.query(REMOVE_LINKS, [mapping, removed.map((outcome) => outcome.operation.erpKey), now]);
      }
      if (linked.length > 0) {
        await manager.query(CONFIRM_LINKS, [
          mapping,
          linked.map((outcome) => outcome.operation.erpKey),
          linked.map((outcome) => outcome.dealId),
          linked.map((outcome) =>
            outcome.operation.payload === null ? null : JSON.stringify(outcome.operation.payload),
          ),
          linked.map((outcome) => outcome.operation.payloadHash),
          now,
        ]);
      }
    }
  }

  private async fail(
    manager: EntityManager,
    operation: SyncOperation,
    code: string,
    message: string,
    retry: RetryPolicy,
    now: Date,
  ): Promise<void> {
    const parked = await this.failLink(manager, { ...operation, code, message }, retry, now);
    await manager.query(
      `UPDATE sync_operation SET status = $2, error_code = $3, error_message = $4, finished_at = $5, updated_at = $5
        WHERE id = $1`,
      [operation.id, parked ? OperationStatus.Parked : OperationStatus.Failed, code, message, now],
    );
  }

  private async failLink(
    manager: EntityManager,
    failure: {
      readonly mapping: string;
      readonly erpKey: string | null;
      readonly code: string;
      readonly message: string;
    },
    retry: RetryPolicy,
    now: Date,
  ): Promise<boolean> {
    const [link] = await manager.query<Array<{ parked: boolean }>>(FAIL_LINK, [
      failure.mapping,
      failure.erpKey,
      `${failure.code}: ${failure.message}`,
      now,
      retry.backoffMs,
      retry.maxAttempts,
    ]);
    return link.parked;
  }
}

function groupByMapping<T extends { readonly operation: SyncOperation }>(
  outcomes: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const outcome of outcomes) {
    const group = groups.get(outcome.operation.mapping) ?? [];
    group.push(outcome);
    groups.set(outcome.operation.mapping, group);
  }
  return groups;
}

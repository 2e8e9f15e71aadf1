import type { DataSource } from 'typeorm';
import { DealLink } from '../../../src/persistence/entities/deal-link.entity.js';
import {
  OperationAction,
  OperationStatus,
  SyncOperation,
} from '../../../src/persistence/entities/sync-operation.entity.js';
import {
  RunMode,
  RunStatus,
  RunTrigger,
  SyncRun,
} from '../../../src/persistence/entities/sync-run.entity.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function ago(ms: number, now = Date.now()): Date {
  return new Date(now - ms);
}

/** A finished run by default; override anything. */
export async function seedRun(dataSource: DataSource, overrides: Partial<SyncRun> = {}): Promise<SyncRun> {
  const repository = dataSource.getRepository(SyncRun);
  return repository.save(
    repository.create({
      mapping: 'odoo-orders',
      trigger: RunTrigger.Schedule,
      mode: RunMode.Incremental,
      status: RunStatus.Succeeded,
      createdAt: ago(HOUR_MS),
      startedAt: ago(HOUR_MS - 1000),
      finishedAt: ago(HOUR_MS - 61_000),
      ...overrides,
    }),
  );
}

export async function seedOperation(
  dataSource: DataSource,
  run: SyncRun,
  overrides: Partial<SyncOperation> = {},
): Promise<SyncOperation> {
  const repository = dataSource.getRepository(SyncOperation);
  return repository.save(
    repository.create({
      runId: run.id,
      mapping: run.mapping,
      erpKey: '1',
      action: OperationAction.Update,
      status: OperationStatus.Succeeded,
      fields: { TITLE: 'Order 1' },
      payload: { TITLE: 'Order 1' },
      changes: { TITLE: { old: 'Order 0', new: 'Order 1' } },
      createdAt: run.createdAt,
      updatedAt: run.createdAt,
      ...overrides,
    }),
  );
}

export async function seedLink(dataSource: DataSource, overrides: Partial<DealLink> = {}): Promise<DealLink> {
  const repository = dataSource.getRepository(DealLink);
  return repository.save(
    repository.create({
      mapping: 'odoo-orders',
      erpKey: '1',
      dealId: 100,
      payload: { TITLE: 'Order 1' },
      payloadHash: 'hash-1',
      syncedAt: ago(HOUR_MS),
      ...overrides,
    }),
  );
}

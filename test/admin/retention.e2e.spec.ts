import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { OperationView, PageView, RunDetailView } from '../../src/admin/admin.responses.js';
import { SyncLogRetentionService } from '../../src/admin/retention/sync-log-retention.service.js';
import { ConfigError } from '../../src/config/config.error.js';
import { OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { RunStatus, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { buildTestConfig } from '../support/config.js';
import { startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { ago, DAY_MS, seedOperation, seedRun } from './support/sync-log.factory.js';

describe('sync log retention', () => {
  let admin: AdminDaemon;
  let expired: SyncRun;
  let stuck: SyncRun;
  let recent: SyncRun;

  beforeAll(async () => {
    admin = await startAdminDaemon({ RETENTION_DAYS: '7' });
    const ds = admin.dataSource;
    expired = await seedRun(ds, {
      createdAt: ago(40 * DAY_MS),
      status: RunStatus.PartiallyFailed,
      created: 4,
      failed: 1,
    });
    for (const [key, status] of [
      ['1', OperationStatus.Succeeded],
      ['2', OperationStatus.Succeeded],
      ['3', OperationStatus.Failed],
      ['4', OperationStatus.Parked],
      ['5', OperationStatus.Planned],
    ] as const) {
      await seedOperation(ds, expired, { erpKey: key, status, createdAt: ago(40 * DAY_MS) });
    }
    stuck = await seedRun(ds, { createdAt: ago(30 * DAY_MS), status: RunStatus.Running, finishedAt: null });
    await seedOperation(ds, stuck, {
      erpKey: '6',
      status: OperationStatus.Pending,
      createdAt: ago(30 * DAY_MS),
    });
    recent = await seedRun(ds, { createdAt: ago(6 * DAY_MS) });
    await seedOperation(ds, recent, { erpKey: '7', createdAt: ago(6 * DAY_MS) });
  });

  afterAll(async () => {
    await admin?.close();
  });

  const operationsOf = async (run: SyncRun) =>
    (await admin.request<PageView<OperationView>>(`/admin/runs/${run.id}/operations`)).body.items.map(
      (operation) => operation.erpKey,
    );

  it('prunes operations older than RETENTION_DAYS in chunks and keeps every run summary', async () => {
    const pruned = await admin.daemon.app.get(SyncLogRetentionService).pruneExpiredOperations(new Date(), 2);

    expect(pruned).toBe(5);
    expect(await operationsOf(expired)).toEqual([]);
    expect(await operationsOf(recent)).toEqual(['7']);
    const summary = await admin.request<RunDetailView>(`/admin/runs/${expired.id}`);
    expect(summary.status).toBe(200);
    expect(summary.body.counters).toMatchObject({ created: 4, failed: 1 });
    expect(admin.logs.text).toContain('Retention: pruned 5 operation(s)');
  });

  it('never prunes the open operations of an unfinished run, however old', async () => {
    await admin.daemon.app.get(SyncLogRetentionService).pruneExpiredOperations(new Date(), 2);

    expect(await operationsOf(stuck)).toEqual(['6']);
  });

  it('schedules the pruning daily', () => {
    const job = admin.daemon.app.get(SchedulerRegistry).getCronJob('sync-log-retention');

    expect(job.cronTime.source).toBe('0 04 * * *');
  });
});

describe('RETENTION_DAYS', () => {
  it('defaults to 30 days', () => {
    expect(buildTestConfig({}).retentionDays).toBe(30);
  });

  it.each(['0', '1.5', 'month'])('rejects %s with a message naming the variable', (value) => {
    expect(() => buildTestConfig({ RETENTION_DAYS: value })).toThrow(ConfigError);
    expect(() => buildTestConfig({ RETENTION_DAYS: value })).toThrow(
      /RETENTION_DAYS: expected a whole number of days/,
    );
  });
});

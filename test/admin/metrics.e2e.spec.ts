import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SyncMetrics } from '../../src/metrics/sync.metrics.js';
import { OperationAction, OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import { startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { ago, DAY_MS, HOUR_MS, seedLink, seedOperation, seedRun } from './support/sync-log.factory.js';

/** The value of one sample line, e.g. `name{a="b"} 3`; undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let admin: AdminDaemon;

  beforeAll(async () => {
    admin = await startAdminDaemon();
    const ds = admin.dataSource;
    const old = await seedRun(ds, { createdAt: ago(DAY_MS), status: RunStatus.PartiallyFailed });
    const recent = await seedRun(ds, {
      status: RunStatus.Running,
      finishedAt: null,
      createdAt: ago(HOUR_MS),
    });
    // Key 1 failed a day ago and succeeded since: history, not backlog.
    await seedOperation(ds, old, { erpKey: '1', status: OperationStatus.Failed, createdAt: ago(DAY_MS) });
    await seedOperation(ds, recent, { erpKey: '1', createdAt: ago(HOUR_MS) });
    await seedOperation(ds, old, {
      erpKey: '2',
      status: OperationStatus.Failed,
      createdAt: ago(DAY_MS - HOUR_MS),
    });
    await seedLink(ds, { erpKey: '2', dealId: 102, failedAttempts: 1 });
    await seedOperation(ds, old, { erpKey: '3', status: OperationStatus.Parked, createdAt: ago(DAY_MS) });
    await seedLink(ds, { erpKey: '3', parked: true, failedAttempts: 5 });
    await seedOperation(ds, recent, {
      erpKey: '4',
      status: OperationStatus.Pending,
      createdAt: ago(HOUR_MS),
    });
    await seedOperation(ds, recent, {
      erpKey: '5',
      status: OperationStatus.Pending,
      createdAt: ago(HOUR_MS),
    });

    const metrics = admin.daemon.app.get(SyncMetrics);
    metrics.runFinished('odoo-orders', RunStatus.Succeeded);
    metrics.runFinished('odoo-orders', RunStatus.Succeeded);
    metrics.runFinished('odoo-orders', RunStatus.Failed);
    metrics.operationFinished(OperationAction.Create, OperationStatus.Succeeded);
    metrics.bitrix24Request('batch', 'ok');
    metrics.bitrix24Request('batch', 'QUERY_LIMIT_EXCEEDED');
    metrics.rateLimitWaited(1.5);
    metrics.rateLimitWaited(0.25);
    metrics.operatingHeadroom('crm.deal.list', 412.5);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it('exposes the sync series, the backlog read from the sync log, and process metrics', async () => {
    const response = await admin.request('/metrics', { token: null });
    const text = response.text;

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(sample(text, 'erp_bitrix24_sync_runs_total{mapping="odoo-orders",status="succeeded"}')).toBe(2);
    expect(sample(text, 'erp_bitrix24_sync_runs_total{mapping="odoo-orders",status="failed"}')).toBe(1);
    expect(sample(text, 'erp_bitrix24_sync_operations_total{action="create",status="succeeded"}')).toBe(1);
    expect(
      sample(text, 'erp_bitrix24_sync_bitrix24_requests_total{method="batch",status="QUERY_LIMIT_EXCEEDED"}'),
    ).toBe(1);
    expect(sample(text, 'erp_bitrix24_sync_rate_limit_wait_seconds_total')).toBe(1.75);
    expect(sample(text, 'erp_bitrix24_sync_operating_headroom_seconds{method="crm.deal.list"}')).toBe(412.5);
    expect(sample(text, 'erp_bitrix24_sync_unsynced_rows{mapping="odoo-orders",status="failed"}')).toBe(1);
    expect(sample(text, 'erp_bitrix24_sync_unsynced_rows{mapping="odoo-orders",status="parked"}')).toBe(1);
    expect(sample(text, 'erp_bitrix24_sync_unsynced_rows{mapping="odoo-orders",status="pending"}')).toBe(2);
    expect(sample(text, 'erp_bitrix24_sync_unsynced_rows{mapping="erp-invoices",status="pending"}')).toBe(0);
    const oldest = sample(text, 'erp_bitrix24_sync_oldest_unsynced_change_seconds{mapping="odoo-orders"}');
    expect(oldest).toBeGreaterThanOrEqual((DAY_MS - HOUR_MS) / 1000);
    expect(oldest).toBeLessThan(DAY_MS / 1000);
    expect(sample(text, 'erp_bitrix24_sync_oldest_unsynced_change_seconds{mapping="erp-invoices"}')).toBe(0);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('drops a failed row to 0 once its data is fixed, even when the fix needs no new operation', async () => {
    // The ERP row went back to what Bitrix24 holds: the planner clears the link's failure, no call is made.
    await admin.dataSource.query(
      `UPDATE deal_link SET failed_attempts = 0, retry_at = NULL, last_error = NULL WHERE erp_key = '2'`,
    );
    await admin.dataSource.query(`UPDATE sync_operation SET status = 'succeeded' WHERE status = 'pending'`);

    const text = (await admin.request('/metrics', { token: null })).text;

    expect(sample(text, 'erp_bitrix24_sync_unsynced_rows{mapping="odoo-orders",status="failed"}')).toBe(0);
    expect(sample(text, 'erp_bitrix24_sync_oldest_unsynced_change_seconds{mapping="odoo-orders"}')).toBe(0);
  });

  it('reads the backlog afresh on every scrape', async () => {
    await admin.dataSource.query(`UPDATE sync_operation SET status = 'succeeded' WHERE status = 'pending'`);

    const text = (await admin.request('/metrics', { token: null })).text;

    expect(sample(text, 'erp_bitrix24_sync_unsynced_rows{mapping="odoo-orders",status="pending"}')).toBe(0);
  });
});

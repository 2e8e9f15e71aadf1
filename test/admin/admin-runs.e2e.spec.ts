import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OperationView, PageView, RunDetailView, RunView } from '../../src/admin/admin.responses.js';
import { OperationAction, OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { RunStatus, RunTrigger, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { messageOf, startAdminDaemon, type AdminDaemon, type ApiResponse } from './support/admin-daemon.js';
import { ago, DAY_MS, HOUR_MS, seedOperation, seedRun } from './support/sync-log.factory.js';

describe('GET /admin/runs, /admin/runs/:id and /admin/runs/:id/operations', () => {
  let admin: AdminDaemon;
  let runs: SyncRun[];
  let busy: SyncRun;

  beforeAll(async () => {
    admin = await startAdminDaemon();
    const ds = admin.dataSource;
    runs = [
      await seedRun(ds, { createdAt: ago(3 * DAY_MS), status: RunStatus.Succeeded }),
      await seedRun(ds, {
        createdAt: ago(2 * DAY_MS),
        status: RunStatus.Failed,
        error: 'ERP query timed out',
      }),
      await seedRun(ds, {
        createdAt: ago(DAY_MS),
        trigger: RunTrigger.Manual,
        status: RunStatus.PartiallyFailed,
      }),
      await seedRun(ds, { mapping: 'erp-invoices', createdAt: ago(12 * HOUR_MS) }),
      await seedRun(ds, { createdAt: ago(HOUR_MS), trigger: RunTrigger.Retry, status: RunStatus.Cancelled }),
    ];
    busy = await seedRun(ds, {
      status: RunStatus.Running,
      createdAt: ago(200_000),
      startedAt: ago(100_000),
      finishedAt: null,
      planned: 100,
      applied: 40,
      failed: 10,
      rowsRead: 120,
    });
    runs.push(busy);
    const partial = runs[2];
    await seedOperation(ds, partial, { erpKey: '10', action: OperationAction.Create });
    await seedOperation(ds, partial, {
      erpKey: '11',
      status: OperationStatus.Failed,
      errorCode: 'ERROR_CORE',
      errorMessage: 'Stage "SHIPPED" does not exist in funnel 0',
    });
    await seedOperation(ds, partial, { erpKey: '12', action: OperationAction.Delete });
    await seedOperation(ds, partial, {
      erpKey: '13',
      status: OperationStatus.Parked,
      errorMessage: 'gave up',
    });
    await seedOperation(ds, partial, { erpKey: '14', action: OperationAction.Create });
  });

  afterAll(async () => {
    await admin?.close();
  });

  const ids = (page: PageView<RunView>) => page.items.map((run) => run.id);

  it('lists runs newest first with their counters', async () => {
    const response = await admin.request<PageView<RunView>>('/admin/runs');

    expect(response.status).toBe(200);
    expect(ids(response.body)).toEqual(runs.map((run) => run.id).reverse());
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.items[0]).toMatchObject({
      mapping: 'odoo-orders',
      status: 'running',
      counters: { rowsRead: 120, planned: 100, applied: 40, failed: 10 },
    });
  });

  it('pages by cursor without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const response: ApiResponse<PageView<RunView>> = await admin.request<PageView<RunView>>(
        `/admin/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(response.body));
      cursor = response.body.nextCursor;
      pages++;
    }

    expect(pages).toBe(3);
    expect(seen).toEqual(runs.map((run) => run.id).reverse());
  });

  it.each([
    ['mapping', 'mapping=erp-invoices', () => [runs[3].id]],
    ['a list of statuses', 'status=failed,cancelled', () => [runs[4].id, runs[1].id]],
    ['trigger', 'trigger=manual', () => [runs[2].id]],
    [
      'a time range',
      `from=${ago(2.5 * DAY_MS).toISOString()}&to=${ago(18 * HOUR_MS).toISOString()}`,
      () => [runs[2].id, runs[1].id],
    ],
    ['mapping and status together', 'mapping=odoo-orders&status=running', () => [busy.id]],
  ])('filters runs by %s', async (_case, query, expected) => {
    const response = await admin.request<PageView<RunView>>(`/admin/runs?${query}`);

    expect(response.status).toBe(200);
    expect(ids(response.body)).toEqual(expected());
  });

  it.each([
    ['limit above 200', 'limit=201', 'limit must not be greater than 200'],
    ['limit 0', 'limit=0', 'limit must not be less than 1'],
    ['a non-numeric limit', 'limit=ten', 'limit must be a whole number'],
    ['an unknown status', 'status=done', 'each value in status must be one of the following values'],
    ['a malformed time', 'from=yesterday', 'from must be an ISO 8601 time'],
    ['a malformed cursor', 'cursor=abc', 'cursor must be the nextCursor of a previous page'],
    ['an unknown parameter', 'sort=asc', 'property sort should not exist'],
    [
      'from after to',
      `from=${ago(HOUR_MS).toISOString()}&to=${ago(DAY_MS).toISOString()}`,
      'from must be earlier than to',
    ],
    ['a malformed mapping name', 'mapping=no%20such!', 'mapping must be a mapping name'],
  ])('answers 400 for %s', async (_case, query, message) => {
    const response = await admin.request(`/admin/runs?${query}`);

    expect(response.status).toBe(400);
    expect(messageOf(response)).toContain(message);
  });

  it('answers 404 for a mapping that is neither configured nor in the log', async () => {
    const response = await admin.request('/admin/runs?mapping=nowhere');

    expect(response.status).toBe(404);
    expect(messageOf(response)).toBe(
      'Unknown mapping "nowhere"; the mapping file has odoo-orders, erp-invoices',
    );
  });

  it('shows a running run with progress, rate and ETA', async () => {
    const response = await admin.request<RunDetailView>(`/admin/runs/${busy.id}`);

    expect(response.status).toBe(200);
    const { progress } = response.body;
    expect(progress).toMatchObject({ planned: 100, applied: 40, failed: 10, remaining: 50, percent: 50 });
    expect(progress.ratePerSecond).toBeGreaterThan(0);
    expect(progress.etaSeconds).toBeGreaterThan(0);
    expect(Date.parse(progress.estimatedFinishAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('shows a finished run with its error, operation counts and no ETA', async () => {
    const failed = await admin.request<RunDetailView>(`/admin/runs/${runs[1].id}`);
    const partial = await admin.request<RunDetailView>(`/admin/runs/${runs[2].id}`);

    expect(failed.body).toMatchObject({ status: 'failed', error: 'ERP query timed out' });
    expect(failed.body.progress.etaSeconds).toBeNull();
    expect(partial.body.operations).toEqual({
      planned: 0,
      pending: 0,
      in_flight: 0,
      succeeded: 3,
      failed: 1,
      parked: 1,
    });
  });

  it.each([
    ['an unknown run', '999999', 404, 'Run 999999 not found'],
    ['a non-numeric id', 'abc', 400, 'id must be a run id'],
    ['a hexadecimal id', '0x10', 400, 'id must be a run id'],
    ['id 0', '0', 400, 'id must not be less than 1'],
  ])('answers %s (GET /admin/runs/%s) with %i', async (_case, id, status, message) => {
    const detail = await admin.request(`/admin/runs/${id}`);
    const operations = await admin.request(`/admin/runs/${id}/operations`);

    expect([detail.status, operations.status]).toEqual([status, status]);
    expect(messageOf(detail)).toContain(message);
  });

  it("lists a run's operations in order with changes and errors", async () => {
    const response = await admin.request<PageView<OperationView>>(`/admin/runs/${runs[2].id}/operations`);

    expect(response.status).toBe(200);
    expect(response.body.items.map((operation) => operation.erpKey)).toEqual(['10', '11', '12', '13', '14']);
    expect(response.body.items[1]).toMatchObject({
      status: 'failed',
      changes: [{ field: 'TITLE', old: 'Order 0', new: 'Order 1' }],
      error: { code: 'ERROR_CORE', message: 'Stage "SHIPPED" does not exist in funnel 0' },
    });
    expect(response.body.items[0].error).toBeNull();
  });

  it.each([
    ['status', 'status=failed,parked', ['11', '13']],
    ['action', 'action=create', ['10', '14']],
    ['key', 'key=12', ['12']],
    ['action and status', 'action=update&status=succeeded', []],
  ])('filters operations by %s', async (_case, query, keys) => {
    const response = await admin.request<PageView<OperationView>>(
      `/admin/runs/${runs[2].id}/operations?${query}`,
    );

    expect(response.status).toBe(200);
    expect(response.body.items.map((operation) => operation.erpKey)).toEqual(keys);
  });

  it('pages operations by cursor', async () => {
    const first = await admin.request<PageView<OperationView>>(
      `/admin/runs/${runs[2].id}/operations?limit=3`,
    );
    const second = await admin.request<PageView<OperationView>>(
      `/admin/runs/${runs[2].id}/operations?limit=3&cursor=${first.body.nextCursor}`,
    );

    expect(first.body.items.map((operation) => operation.erpKey)).toEqual(['10', '11', '12']);
    expect(second.body.items.map((operation) => operation.erpKey)).toEqual(['13', '14']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 400 for a bad operation filter', async () => {
    const response = await admin.request(`/admin/runs/${runs[2].id}/operations?action=upsert&limit=500`);

    expect(response.status).toBe(400);
    expect(messageOf(response)).toContain('each value in action must be one of the following values');
    expect(messageOf(response)).toContain('limit must not be greater than 200');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunAcceptedView, RunDetailView } from '../../src/admin/admin.responses.js';
import { OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import {
  RunMode,
  RunStatus,
  RunTrigger,
  type SyncRun,
} from '../../src/persistence/entities/sync-run.entity.js';
import { messageOf, startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { seedOperation, seedRun } from './support/sync-log.factory.js';

describe('POST /admin/resync, /admin/runs/:id/cancel and /admin/runs/:id/retry', () => {
  let admin: AdminDaemon;
  let running: SyncRun;
  let finished: SyncRun;

  beforeAll(async () => {
    admin = await startAdminDaemon();
    running = await seedRun(admin.dataSource, { status: RunStatus.Running, finishedAt: null });
    finished = await seedRun(admin.dataSource, { status: RunStatus.PartiallyFailed });
    await seedOperation(admin.dataSource, finished, { erpKey: '5', status: OperationStatus.Failed });
    await seedOperation(admin.dataSource, finished, { erpKey: '6', status: OperationStatus.Parked });
    await seedOperation(admin.dataSource, finished, { erpKey: '7' });
  });

  afterAll(async () => {
    await admin?.close();
  });

  it('queues a resync through the sync service and answers 202 with the run id', async () => {
    const response = await admin.request<RunAcceptedView>('/admin/resync', {
      method: 'POST',
      body: {
        mapping: 'odoo-orders',
        mode: 'full',
        erpKeys: ['42', '43'],
        dryRun: true,
        requestedBy: 'alice',
      },
    });

    expect(response.status).toBe(202);
    expect(admin.sync.requests.at(-1)).toEqual({
      mapping: 'odoo-orders',
      mode: RunMode.Full,
      erpKeys: ['42', '43'],
      dryRun: true,
      requestedBy: 'alice',
      trigger: RunTrigger.Manual,
    });
    const run = await admin.request<RunDetailView>(`/admin/runs/${response.body.runId}`);
    expect(run.body).toMatchObject({ status: 'queued', trigger: 'manual', mode: 'full', dryRun: true });
  });

  it('defaults to an incremental, real run requested by the admin API', async () => {
    const response = await admin.request<RunAcceptedView>('/admin/resync', {
      method: 'POST',
      body: { mapping: 'odoo-orders' },
    });

    expect(response.status).toBe(202);
    expect(admin.sync.requests.at(-1)).toEqual({
      mapping: 'odoo-orders',
      mode: RunMode.Incremental,
      erpKeys: undefined,
      dryRun: false,
      requestedBy: 'admin-api',
      trigger: RunTrigger.Manual,
    });
  });

  it.each([
    ['no mapping', {}, 'mapping must be a mapping name'],
    [
      'an unknown mode',
      { mapping: 'odoo-orders', mode: 'everything' },
      'mode must be one of the following values',
    ],
    [
      'an empty key list',
      { mapping: 'odoo-orders', erpKeys: [] },
      'erpKeys must contain at least 1 elements',
    ],
    [
      'keys that are not strings',
      { mapping: 'odoo-orders', erpKeys: [42] },
      'each value in erpKeys must be a string',
    ],
    ['a string for dryRun', { mapping: 'odoo-orders', dryRun: 'yes' }, 'dryRun must be a boolean value'],
    ['an unknown property', { mapping: 'odoo-orders', force: true }, 'property force should not exist'],
  ])('answers 400 for %s', async (_case, body, message) => {
    const before = admin.sync.requests.length;
    const response = await admin.request('/admin/resync', { method: 'POST', body });

    expect(response.status).toBe(400);
    expect(messageOf(response)).toContain(message);
    expect(admin.sync.requests).toHaveLength(before);
  });

  it('answers 404 for a mapping the file does not have', async () => {
    const response = await admin.request('/admin/resync', { method: 'POST', body: { mapping: 'nowhere' } });

    expect(response.status).toBe(404);
    expect(messageOf(response)).toContain('Unknown mapping "nowhere"');
  });

  it('asks a running run to stop', async () => {
    const response = await admin.request(`/admin/runs/${running.id}/cancel`, { method: 'POST' });
    const run = await admin.request<RunDetailView>(`/admin/runs/${running.id}`);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ runId: running.id, cancelRequested: true });
    expect(run.body.cancelRequested).toBe(true);
  });

  it('answers 409 when cancelling a finished run', async () => {
    const response = await admin.request(`/admin/runs/${finished.id}/cancel`, { method: 'POST' });

    expect(response.status).toBe(409);
    expect(messageOf(response)).toBe(
      `Run ${finished.id} has already finished (partially_failed); nothing to cancel`,
    );
  });

  it('retries the failed and parked rows of a run as a new run', async () => {
    const response = await admin.request<RunAcceptedView>(`/admin/runs/${finished.id}/retry`, {
      method: 'POST',
    });

    expect(response.status).toBe(202);
    expect(response.body.runId).toBeGreaterThan(finished.id);
    const retry = await admin.request<RunDetailView>(`/admin/runs/${response.body.runId}`);
    expect(retry.body).toMatchObject({ trigger: 'retry', status: 'queued', mapping: 'odoo-orders' });
    expect([...(retry.body.erpKeys ?? [])].sort()).toEqual(['5', '6']);
  });

  it.each([
    ['cancel', 'an unknown run', '424242', 404, 'Run 424242 not found'],
    ['retry', 'an unknown run', '424242', 404, 'Run 424242 not found'],
    ['cancel', 'a malformed id', 'latest', 400, 'id must be a run id'],
    ['retry', 'a malformed id', '-1', 400, 'id must be a run id'],
  ])('answers %s of %s with %s', async (command, _case, id, status, message) => {
    const response = await admin.request(`/admin/runs/${id}/${command}`, { method: 'POST' });

    expect(response.status).toBe(status);
    expect(messageOf(response)).toContain(message);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordTimelineView } from '../../src/admin/admin.responses.js';
import { OperationAction, OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { messageOf, startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { ago, DAY_MS, HOUR_MS, seedLink, seedOperation, seedRun } from './support/sync-log.factory.js';

describe('GET /admin/records/:mapping/:key', () => {
  let admin: AdminDaemon;
  const runIds: number[] = [];

  beforeAll(async () => {
    admin = await startAdminDaemon();
    const ds = admin.dataSource;
    const first = await seedRun(ds, { createdAt: ago(2 * DAY_MS) });
    const second = await seedRun(ds, { createdAt: ago(DAY_MS) });
    const third = await seedRun(ds, { createdAt: ago(HOUR_MS) });
    runIds.push(first.id, second.id, third.id);
    await seedOperation(ds, first, {
      erpKey: '42',
      action: OperationAction.Create,
      dealId: 7001,
      changes: { TITLE: { old: null, new: 'S00042 Azure' }, OPPORTUNITY: { old: null, new: '1234.50' } },
    });
    await seedOperation(ds, second, {
      erpKey: '42',
      status: OperationStatus.Failed,
      dealId: 7001,
      attempt: 1,
      changes: { STAGE_ID: { old: 'EXECUTING', new: 'SHIPPED' } },
      errorCode: 'ERROR_CORE',
      errorMessage: 'Stage "SHIPPED" does not exist',
    });
    await seedOperation(ds, third, {
      erpKey: '42',
      dealId: 7001,
      attempt: 2,
      changes: { STAGE_ID: { old: 'EXECUTING', new: 'WON' } },
    });
    await seedOperation(ds, third, { erpKey: '43' });
    await seedLink(ds, { erpKey: '42', dealId: 7001, failedAttempts: 0, payload: { TITLE: 'S00042 Azure' } });
    await seedLink(ds, {
      erpKey: '7|A/B',
      dealId: null,
      failedAttempts: 5,
      parked: true,
      lastError: 'Field UF_CRM_X is required',
    });
  });

  afterAll(async () => {
    await admin?.close();
  });

  it('shows the link and every operation that touched the row, newest first, with diffs and errors', async () => {
    const response = await admin.request<RecordTimelineView>('/admin/records/odoo-orders/42');

    expect(response.status).toBe(200);
    const { link, operations, truncated } = response.body;
    expect(link).toMatchObject({ dealId: 7001, payload: { TITLE: 'S00042 Azure' }, parked: false });
    expect(truncated).toBe(false);
    expect(operations.map((operation) => operation.runId)).toEqual([...runIds].reverse());
    expect(operations[1]).toMatchObject({
      status: 'failed',
      changes: [{ field: 'STAGE_ID', old: 'EXECUTING', new: 'SHIPPED' }],
      error: { code: 'ERROR_CORE', message: 'Stage "SHIPPED" does not exist' },
    });
    expect(operations[2].changes).toEqual([
      { field: 'TITLE', old: null, new: 'S00042 Azure' },
      { field: 'OPPORTUNITY', old: null, new: '1234.50' },
    ]);
  });

  it('finds a composite key with reserved URL characters when it is URL-encoded', async () => {
    const response = await admin.request<RecordTimelineView>(
      `/admin/records/odoo-orders/${encodeURIComponent('7|A/B')}`,
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      erpKey: '7|A/B',
      link: { dealId: null, parked: true, failedAttempts: 5, lastError: 'Field UF_CRM_X is required' },
      operations: [],
    });
  });

  it.each([
    ['an unknown mapping', '/admin/records/nowhere/42', 404, 'Unknown mapping "nowhere"'],
    [
      'a key the mapping never saw',
      '/admin/records/odoo-orders/999',
      404,
      'no link and no operations for ERP key "999"',
    ],
    ['a malformed mapping name', '/admin/records/bad%20name/42', 400, 'mapping must be a mapping name'],
  ])('answers %s with %i', async (_case, path, status, message) => {
    const response = await admin.request(path);

    expect(response.status).toBe(status);
    expect(messageOf(response)).toContain(message);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MappingSummaryView } from '../../src/admin/admin.responses.js';
import { RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import { startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { ago, HOUR_MS, seedRun } from './support/sync-log.factory.js';

describe('GET /admin/mappings', () => {
  let admin: AdminDaemon;
  let lastRunId: number;

  beforeAll(async () => {
    admin = await startAdminDaemon();
    await seedRun(admin.dataSource, { createdAt: ago(2 * HOUR_MS) });
    lastRunId = (await seedRun(admin.dataSource, { status: RunStatus.PartiallyFailed })).id;
  });

  afterAll(async () => {
    await admin?.close();
  });

  it('summarizes each configured mapping with its last run and next scheduled times', async () => {
    const before = Date.now();
    const response = await admin.request<MappingSummaryView[]>('/admin/mappings');

    expect(response.status).toBe(200);
    const [orders, invoices] = response.body;
    expect(orders).toMatchObject({
      name: 'odoo-orders',
      enabled: true,
      source: { table: null, key: ['id'], cursor: 'write_date', lookbackSeconds: 600 },
      schedule: '*/5 * * * *',
      fullSweep: '0 3 * * *',
      target: { originatorId: 'odoo', categoryId: 0, createVia: ['crm.deal.add'] },
      fields: ['TITLE', 'OPPORTUNITY', 'STAGE_ID'],
      delete: { policy: 'close', stage: 'LOSE', maxPerRun: 100 },
      lastRun: { id: lastRunId, status: 'partially_failed' },
    });
    expect(orders.source.query).toMatch(/^SELECT o\.id, o\.name, .* FROM sale_order o JOIN res_partner…$/);
    expect(orders.source.query?.length).toBeLessThanOrEqual(160);
    expect(orders.source.query).not.toContain('\n');
    const nextRun = Date.parse(orders.nextRunAt ?? '');
    expect(nextRun).toBeGreaterThan(before);
    expect(nextRun - before).toBeLessThanOrEqual(5 * 60_000);
    expect(new Date(nextRun).getMinutes() % 5).toBe(0);
    expect(Date.parse(orders.nextFullSweepAt ?? '') - before).toBeLessThanOrEqual(24 * HOUR_MS);

    expect(invoices).toMatchObject({
      name: 'erp-invoices',
      enabled: false,
      source: { table: 'invoice', query: null, key: ['company_id', 'number'], cursor: null },
      nextRunAt: null,
      lastRun: null,
      delete: { policy: 'ignore', stage: null },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  AttentionRetryView,
  AttentionView,
  HealthOverviewView,
  RecordTimelineView,
  RunDetailView,
  SearchHitView,
} from '../../src/admin/admin.responses.js';
import { OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { RunStatus, RunTrigger } from '../../src/persistence/entities/sync-run.entity.js';
import {
  AMOUNT_ERROR,
  confirmFixed,
  seedAttentionFixture,
  STAGE_ERROR,
  type AttentionFixture,
} from './support/attention.fixture.js';
import { startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { ago, DAY_MS, seedLink, seedOperation, seedRun } from './support/sync-log.factory.js';

const WEBHOOK_SECRET = 'wh5ecret7k2p9x4q';

function metricValue(text: string, name: string, mapping: string): number {
  const line = text.split('\n').find((each) => each.startsWith(`${name}{mapping="${mapping}"}`));
  if (line === undefined) {
    throw new Error(`No ${name} sample for ${mapping}`);
  }
  return Number(line.split(' ').at(-1));
}

describe('the operator console API', () => {
  let admin: AdminDaemon;
  let fixture: AttentionFixture;

  beforeAll(async () => {
    admin = await startAdminDaemon({
      BITRIX24_WEBHOOK_URL: `https://acme.bitrix24.com/rest/1/${WEBHOOK_SECRET}/`,
    });
    fixture = await seedAttentionFixture(admin.dataSource);
  });

  afterAll(async () => {
    await admin?.close();
  });

  describe('GET /admin/attention', () => {
    it('groups the rows failed or parked now by error, with counts and an example', async () => {
      const response = await admin.request<AttentionView>('/admin/attention');

      expect(response.status).toBe(200);
      expect(response.body.rows).toBe(fixture.stageKeys.length + fixture.amountKeys.length);
      expect(response.body.groups).toEqual([
        expect.objectContaining({
          mapping: 'odoo-orders',
          code: STAGE_ERROR.code,
          message: 'Stage "SHIPPED" does not exist in funnel #',
          rows: fixture.stageKeys.length,
          parked: fixture.parked,
          example: { erpKey: '1', code: STAGE_ERROR.code, message: STAGE_ERROR.message },
        }),
        expect.objectContaining({
          code: null,
          message: 'Field OPPORTUNITY: value "#.# EUR" is not a number',
          rows: fixture.amountKeys.length,
          parked: 0,
          example: expect.objectContaining({
            code: null,
            message: AMOUNT_ERROR.message(Number(fixture.amountKeys[0])),
          }),
        }),
      ]);
    });

    it('filters by mapping, error text and time of the last failure', async () => {
      const byError = await admin.request<AttentionView>('/admin/attention?error=opportunity');
      const otherMapping = await admin.request<AttentionView>('/admin/attention?mapping=erp-invoices');
      const future = await admin.request<AttentionView>(
        `/admin/attention?since=${encodeURIComponent(new Date(Date.now() + DAY_MS).toISOString())}`,
      );
      const badSince = await admin.request('/admin/attention?since=yesterday');

      expect(byError.body.groups.map((group) => group.rows)).toEqual([fixture.amountKeys.length]);
      expect(otherMapping.body.groups).toEqual([]);
      expect(future.body.groups).toEqual([]);
      expect(badSince.status).toBe(400);
    });

    it('exports a group as CSV, one row per ERP key', async () => {
      const { body } = await admin.request<AttentionView>('/admin/attention?error=opportunity');
      const group = body.groups[0];
      const csv = await admin.request(
        `/admin/attention/export?mapping=odoo-orders&fingerprint=${encodeURIComponent(group.fingerprint)}`,
      );

      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = csv.text.trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'mapping,erp_key,deal_id,state,failed_attempts,next_retry_at,last_failed_at,error',
      );
      expect(lines).toHaveLength(fixture.amountKeys.length + 1);
      expect(lines[1]).toMatch(
        new RegExp(
          `^odoo-orders,${fixture.amountKeys[0]},\\d+,failed,1,[^,]+,[^,]+,"Field OPPORTUNITY: value ""`,
        ),
      );
    });
  });

  describe('POST /admin/attention/retry', () => {
    it('releases the group (parked rows too) and queues one run for exactly its keys', async () => {
      const { body } = await admin.request<AttentionView>('/admin/attention?error=SHIPPED');
      const before = admin.sync.requests.length;

      const response = await admin.request<AttentionRetryView>('/admin/attention/retry', {
        method: 'POST',
        body: { mapping: 'odoo-orders', fingerprint: body.groups[0].fingerprint },
      });

      expect(response.status).toBe(202);
      expect(response.body.erpKeys).toBe(fixture.stageKeys.length);
      expect(admin.sync.requests.slice(before)).toEqual([
        expect.objectContaining({
          mapping: 'odoo-orders',
          trigger: RunTrigger.Retry,
          erpKeys: [...fixture.stageKeys].sort(),
        }),
      ]);
      const [{ parked }] = await admin.dataSource.query<{ parked: number }[]>(
        `SELECT count(*)::int AS parked FROM deal_link WHERE parked AND erp_key = ANY($1)`,
        [fixture.stageKeys],
      );
      expect(parked).toBe(0);
    });

    it('answers 404 for a group that no longer has rows', async () => {
      const response = await admin.request('/admin/attention/retry', {
        method: 'POST',
        body: { mapping: 'odoo-orders', fingerprint: 'NOPE: nothing fails like this' },
      });

      expect(response.status).toBe(404);
    });
  });

  describe('GET /admin/overview', () => {
    it('gives each mapping the freshness /metrics reports, rows needing attention and its recent runs', async () => {
      const metricsBefore = Date.now();
      const metrics = await admin.request('/metrics', { token: null });
      const overviewAfter = Date.now();
      const overview = await admin.request<HealthOverviewView>('/admin/overview');
      const measuredBetween = (Date.now() - metricsBefore) / 1000;

      const orders = overview.body.mappings.find((mapping) => mapping.name === 'odoo-orders');
      const metric = metricValue(
        metrics.text,
        'erp_bitrix24_sync_oldest_unsynced_change_seconds',
        'odoo-orders',
      );
      expect(metric).toBeGreaterThan(0);
      expect(orders?.freshnessSeconds).toBeGreaterThanOrEqual(metric - 0.001);
      expect(orders?.freshnessSeconds).toBeLessThanOrEqual(
        metric + measuredBetween + (Date.now() - overviewAfter) / 1000,
      );
      expect((orders?.attention.failed ?? 0) + (orders?.attention.parked ?? 0)).toBe(
        fixture.stageKeys.length + fixture.amountKeys.length,
      );
      expect(orders?.recentRuns.at(-1)).toMatchObject({ status: RunStatus.Queued });
      expect(orders?.recentRuns.map((run) => run.id)).toContain(fixture.run.id);
      expect(orders?.nextRunAt).not.toBeNull();
    });
  });

  describe('GET /admin/runs/:id', () => {
    it("counts like its operations table and says when later runs finished the run's failed rows", async () => {
      await confirmFixed(admin.dataSource, 'odoo-orders', fixture.stageKeys.slice(0, 10));

      const { body } = await admin.request<RunDetailView>(`/admin/runs/${fixture.run.id}`);

      expect(body.progress).toMatchObject({
        planned: body.operations.succeeded + body.operations.failed + body.operations.parked,
        applied: body.operations.succeeded,
        failed: body.operations.failed + body.operations.parked,
        remaining: 0,
        percent: 100,
      });
      expect(body.failedRows).toEqual({
        failed: fixture.stageKeys.length + fixture.amountKeys.length,
        finishedLater: 10,
      });
    });

    it('says which run a queued run waits for', async () => {
      const running = await seedRun(admin.dataSource, {
        mapping: 'erp-invoices',
        status: RunStatus.Running,
        finishedAt: null,
      });
      const queued = await seedRun(admin.dataSource, {
        mapping: 'erp-invoices',
        status: RunStatus.Queued,
        startedAt: null,
        finishedAt: null,
      });

      const { body } = await admin.request<RunDetailView>(`/admin/runs/${queued.id}`);

      expect(body.waitingFor).toEqual({ runId: running.id, status: RunStatus.Running });
    });
  });

  describe('GET /admin/records/:mapping/:key', () => {
    it('links the deal in the portal without the webhook secret, marks dry runs and numbers failures', async () => {
      const dry = await seedRun(admin.dataSource, { dryRun: true, createdAt: ago(1000) });
      await seedOperation(admin.dataSource, dry, {
        erpKey: fixture.amountKeys[0],
        status: OperationStatus.Failed,
        errorCode: '',
        errorMessage: 'would fail',
        createdAt: ago(1000),
      });

      const response = await admin.request<RecordTimelineView>(
        `/admin/records/odoo-orders/${fixture.amountKeys[0]}`,
      );

      const dealId = 9000 + Number(fixture.amountKeys[0]);
      expect(response.body.dealUrl).toBe(`https://acme.bitrix24.com/crm/deal/details/${dealId}/`);
      expect(response.text).not.toContain(WEBHOOK_SECRET);
      expect(response.body.link?.lastError).toBe(AMOUNT_ERROR.message(Number(fixture.amountKeys[0])));
      expect(response.body.maxAttempts).toBe(5);
      expect(
        response.body.operations.map((entry) => [entry.dryRun, entry.failureNumber, entry.error?.code]),
      ).toEqual([
        [true, null, null],
        [false, 1, null],
      ]);
    });

    it('retries a parked record now, and refuses one that is in sync', async () => {
      const parkedKey = fixture.amountKeys[1];
      await admin.dataSource.query(
        `UPDATE deal_link SET parked = true, failed_attempts = 5 WHERE erp_key = $1`,
        [parkedKey],
      );

      const retried = await admin.request<AttentionRetryView>(
        `/admin/records/odoo-orders/${parkedKey}/retry`,
        {
          method: 'POST',
        },
      );
      const inSync = await admin.request(`/admin/records/odoo-orders/${fixture.syncedKeys[0]}/retry`, {
        method: 'POST',
      });

      expect(retried.status).toBe(202);
      expect(admin.sync.requests.at(-1)).toMatchObject({ erpKeys: [parkedKey], trigger: RunTrigger.Retry });
      const [link] = await admin.dataSource.query<{ parked: boolean }[]>(
        `SELECT parked FROM deal_link WHERE mapping = 'odoo-orders' AND erp_key = $1`,
        [parkedKey],
      );
      expect(link.parked).toBe(false);
      expect(inSync.status).toBe(409);
    });
  });

  describe('GET /admin/search', () => {
    it('finds records by ERP key or Bitrix24 id across mappings', async () => {
      await seedLink(admin.dataSource, { mapping: 'erp-invoices', erpKey: '7|INV-7', dealId: 9100 });

      const byDeal = await admin.request<SearchHitView[]>('/admin/search?q=9100');
      const byKey = await admin.request<SearchHitView[]>(`/admin/search?q=${encodeURIComponent('7|INV-7')}`);
      const none = await admin.request<SearchHitView[]>('/admin/search?q=nothing-like-this');

      expect(byDeal.body).toEqual([
        {
          mapping: 'erp-invoices',
          erpKey: '7|INV-7',
          dealId: 9100,
          dealUrl: 'https://acme.bitrix24.com/crm/deal/details/9100/',
          state: 'synced',
        },
        {
          mapping: 'odoo-orders',
          erpKey: '100',
          dealId: 9100,
          dealUrl: 'https://acme.bitrix24.com/crm/deal/details/9100/',
          state: 'failed',
        },
      ]);
      expect(byKey.body.map((hit) => hit.mapping)).toEqual(['erp-invoices']);
      expect(none.body).toEqual([]);
    });
  });

  describe('after a later run fixed rows', () => {
    it('leaves them out of the attention view', async () => {
      await confirmFixed(admin.dataSource, 'odoo-orders', fixture.amountKeys);

      const { body } = await admin.request<AttentionView>('/admin/attention');

      expect(body.groups.map((group) => group.code)).toEqual([STAGE_ERROR.code]);
    });
  });
});

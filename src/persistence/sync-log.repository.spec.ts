import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createMigratedDataSource, type TestDataSource } from '../../test/support/database.js';
import { countingTuplesRead } from '../../test/support/tuples-read.js';
import { DealLink } from './entities/deal-link.entity.js';
import { OperationAction, OperationStatus, SyncOperation } from './entities/sync-operation.entity.js';
import { RunMode, RunStatus, RunTrigger, SyncRun } from './entities/sync-run.entity.js';
import { SyncLogRepository } from './sync-log.repository.js';

const DAY_MS = 86_400_000;
const NOW = Date.now();
const daysAgo = (days: number) => new Date(NOW - days * DAY_MS);

describe(SyncLogRepository.name, () => {
  let db: TestDataSource;
  let syncLog: SyncLogRepository;

  beforeAll(async () => {
    db = await createMigratedDataSource();
    syncLog = new SyncLogRepository(db.dataSource);
  });

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    await db.dataSource.query('TRUNCATE sync_run, sync_operation, deal_link RESTART IDENTITY CASCADE');
  });

  async function run(overrides: Partial<SyncRun> = {}): Promise<SyncRun> {
    const runs = db.dataSource.getRepository(SyncRun);
    return runs.save(
      runs.create({
        mapping: 'orders',
        trigger: RunTrigger.Schedule,
        mode: RunMode.Incremental,
        status: RunStatus.Succeeded,
        ...overrides,
      }),
    );
  }

  async function operation(of: SyncRun, erpKey: string, overrides: Partial<SyncOperation> = {}) {
    const operations = db.dataSource.getRepository(SyncOperation);
    return operations.save(
      operations.create({
        runId: of.id,
        mapping: of.mapping,
        erpKey,
        action: OperationAction.Update,
        status: OperationStatus.Succeeded,
        fields: {},
        changes: {},
        ...overrides,
      }),
    );
  }

  describe('countUnsyncedRows', () => {
    it("counts each row once, under its latest operation's status", async () => {
      const first = await run({ status: RunStatus.PartiallyFailed });
      const second = await run({ status: RunStatus.Running });
      await operation(first, 'a', { status: OperationStatus.Failed, createdAt: daysAgo(2) });
      await operation(second, 'a', { status: OperationStatus.Pending, createdAt: daysAgo(1) });
      await operation(first, 'b', { status: OperationStatus.Failed, createdAt: daysAgo(2) });
      await operation(second, 'b', { status: OperationStatus.Succeeded, createdAt: daysAgo(1) });
      await operation(first, 'c', { status: OperationStatus.Failed, createdAt: daysAgo(3) });
      await operation(first, 'd', { status: OperationStatus.Planned, createdAt: daysAgo(3) });
      await operation(first, 'e', { status: OperationStatus.Parked, createdAt: daysAgo(3) });
      const links = db.dataSource.getRepository(DealLink);
      await links.save(links.create({ mapping: 'orders', erpKey: 'e', parked: true, updatedAt: daysAgo(2) }));
      await links.save(links.create({ mapping: 'orders', erpKey: 'b', parked: false }));
      await links.save(links.create({ mapping: 'orders', erpKey: 'c', failedAttempts: 1 }));

      const rows = await syncLog.countUnsyncedRows();

      expect(rows.sort((x, y) => x.status.localeCompare(y.status))).toEqual([
        { mapping: 'orders', status: OperationStatus.Failed, rows: 1, oldestCreatedAt: daysAgo(3) },
        { mapping: 'orders', status: OperationStatus.Parked, rows: 1, oldestCreatedAt: daysAgo(2) },
        { mapping: 'orders', status: OperationStatus.Pending, rows: 1, oldestCreatedAt: daysAgo(1) },
      ]);
    });
  });

  describe('pruneOperationsChunk', () => {
    it('deletes at most one chunk of expired, settled operations of finished runs, oldest first', async () => {
      const finished = await run({ status: RunStatus.Failed });
      const unfinished = await run({ status: RunStatus.Running });
      const oldest = await operation(finished, '1', { createdAt: daysAgo(50) });
      await operation(finished, '2', { status: OperationStatus.Failed, createdAt: daysAgo(40) });
      await operation(finished, '3', { status: OperationStatus.Parked, createdAt: daysAgo(40) });
      await operation(finished, '4', { createdAt: daysAgo(5) });
      await operation(unfinished, '5', { status: OperationStatus.Pending, createdAt: daysAgo(50) });
      await operation(unfinished, '6', { status: OperationStatus.Succeeded, createdAt: daysAgo(50) });

      const first = await syncLog.pruneOperationsChunk(daysAgo(30), 1);
      const afterFirst = await db.dataSource.getRepository(SyncOperation).existsBy({ id: oldest.id });
      const second = await syncLog.pruneOperationsChunk(daysAgo(30), 10);
      const third = await syncLog.pruneOperationsChunk(daysAgo(30), 10);

      expect([first, afterFirst, second, third]).toEqual([1, false, 2, 0]);
      const left = await db.dataSource.getRepository(SyncOperation).find({ order: { erpKey: 'ASC' } });
      expect(left.map((row) => row.erpKey)).toEqual(['4', '5', '6']);
      expect(await db.dataSource.getRepository(SyncRun).count()).toBe(2);
    });
  });

  describe('listPlannedOperations', () => {
    it("pages a run's operations in id order, reading each page's rows, not the run's remaining ones", async () => {
      const planned = await run({ dryRun: true });
      await db.dataSource.query(
        `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, fields, changes)
         SELECT $1, 'orders', n::text, 'create', 'planned', '{}', '{"TITLE":{"old":null,"new":"x"}}'
           FROM generate_series(1, 20000) AS n`,
        [planned.id],
      );
      // Not analyzed: as right after a plan, before autovacuum came by.
      const first = await syncLog.listPlannedOperations(planned.id, { afterId: null, limit: 500 });

      const { result: second, tuplesRead } = await countingTuplesRead(
        db.dataSource,
        'sync_operation',
        (single) =>
          new SyncLogRepository(single).listPlannedOperations(planned.id, {
            afterId: first[499].id,
            limit: 500,
          }),
      );

      expect(first.map((operation) => operation.erpKey).slice(0, 3)).toEqual(['1', '2', '3']);
      expect(second.map((operation) => operation.erpKey).slice(0, 2)).toEqual(['501', '502']);
      expect(second).toHaveLength(500);
      expect(tuplesRead).toBeLessThanOrEqual(1_000);
    });
  });

  describe('listRuns', () => {
    it('pages newest first after the cursor, within the filters', async () => {
      const ids: number[] = [];
      for (const status of [RunStatus.Failed, RunStatus.Succeeded, RunStatus.Failed, RunStatus.Failed]) {
        ids.push((await run({ status })).id);
      }

      const first = await syncLog.listRuns({ statuses: [RunStatus.Failed] }, { limit: 2 });
      const second = await syncLog.listRuns({ statuses: [RunStatus.Failed] }, { limit: 2, afterId: ids[2] });

      expect(first.items.map((row) => row.id)).toEqual([ids[3], ids[2]]);
      expect(first.hasMore).toBe(true);
      expect(second.items.map((row) => row.id)).toEqual([ids[0]]);
      expect(second.hasMore).toBe(false);
    });
  });

  describe('findLatestRuns and hasHistory', () => {
    it('finds the newest run per mapping and knows mappings from runs or links', async () => {
      await run({ mapping: 'orders' });
      const latestOrders = await run({ mapping: 'orders' });
      const latestInvoices = await run({ mapping: 'invoices' });
      const links = db.dataSource.getRepository(DealLink);
      await links.save(links.create({ mapping: 'legacy', erpKey: '1' }));

      const latest = await syncLog.findLatestRuns(['orders', 'invoices', 'none']);

      expect([...latest.entries()].map(([mapping, found]) => [mapping, found.id]).sort()).toEqual([
        ['invoices', latestInvoices.id],
        ['orders', latestOrders.id],
      ]);
      expect(await syncLog.hasHistory('legacy')).toBe(true);
      expect(await syncLog.hasHistory('orders')).toBe(true);
      expect(await syncLog.hasHistory('none')).toBe(false);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DealLinkRepository } from '../../src/persistence/deal-link.repository.js';
import {
  OperationAction,
  OperationStatus,
  SyncOperation,
} from '../../src/persistence/entities/sync-operation.entity.js';
import { RunMode, RunStatus, RunTrigger, SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { SyncOperationRepository } from '../../src/persistence/sync-operation.repository.js';
import { SyncOutcomeRepository } from '../../src/persistence/sync-outcome.repository.js';
import { SyncRunRepository, ZERO_COUNTERS } from '../../src/persistence/sync-run.repository.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';

const RETRY = { maxAttempts: 3, backoffMs: 60_000 };
const NOW = new Date('2026-11-28T10:00:00Z');
const OWNER = 'this-process';
const LEASE_MS = 60_000;

describe(SyncOutcomeRepository.name, () => {
  let db: TestDataSource;
  let runs: SyncRunRepository;
  let operations: SyncOperationRepository;
  let outcomes: SyncOutcomeRepository;
  let links: DealLinkRepository;
  let runId: number;
  let fence: { runId: number; owner: string };

  const startRun = async (mapping = 'm', owner = OWNER): Promise<number> => {
    const id = (await runs.queue({ mapping, trigger: RunTrigger.Manual, mode: RunMode.Incremental })).id;
    expect(await runs.start(id, owner, LEASE_MS, NOW)).toBe(true);
    return id;
  };
  const expireLease = (id: number) =>
    db.dataSource.query(`UPDATE sync_run SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
      id,
    ]);

  beforeAll(async () => {
    db = await createMigratedDataSource();
    runs = new SyncRunRepository(db.dataSource);
    operations = new SyncOperationRepository(db.dataSource);
    outcomes = new SyncOutcomeRepository(db.dataSource);
    links = new DealLinkRepository(db.dataSource);
    runId = await startRun();
    fence = { runId, owner: OWNER };
  });

  afterAll(() => db.close());

  const enqueueOne = async (erpKey: string, action = OperationAction.Create): Promise<SyncOperation> => {
    await operations.enqueue([
      {
        runId,
        mapping: 'm',
        erpKey,
        action,
        dealId: null,
        fields: { TITLE: erpKey },
        payload: { TITLE: erpKey },
        payloadHash: `hash-${erpKey}`,
        changes: {},
        cursor: null,
      },
    ]);
    const [operation] = (await operations.findOpen('m', null, 100)).filter((open) => open.erpKey === erpKey);
    expect(await operations.claim([operation.id], runId, NOW)).toEqual(new Set([operation.id]));
    return operation;
  };

  it('queues one open operation per key, whatever is planned twice', async () => {
    await enqueueOne('dup');
    const again = await operations.enqueue([
      {
        runId,
        mapping: 'm',
        erpKey: 'dup',
        action: OperationAction.Create,
        dealId: null,
        fields: {},
        payload: {},
        payloadHash: 'x',
        changes: {},
        cursor: null,
      },
    ]);

    expect(again).toBe(0);
    expect((await operations.findOpen('m', null, 100)).filter((open) => open.erpKey === 'dup')).toHaveLength(
      1,
    );
  });

  it('confirms a create: operation succeeded, link with deal, payload and hash', async () => {
    const operation = await enqueueOne('k1');

    await outcomes.record([{ kind: 'succeeded', operation, dealId: 501 }], fence, RETRY, NOW);

    const link = await links.findOne('m', 'k1');
    expect(link).toMatchObject({
      dealId: 501,
      payloadHash: 'hash-k1',
      payload: { TITLE: 'k1' },
      failedAttempts: 0,
    });
    expect(await db.dataSource.getRepository(SyncOperation).findOneBy({ id: operation.id })).toMatchObject({
      status: OperationStatus.Succeeded,
      dealId: 501,
    });
  });

  it('counts failures with doubling backoff and parks the key after the last attempt', async () => {
    const retryTimes: number[] = [];
    let lastStatus: OperationStatus | undefined;
    for (let attempt = 1; attempt <= RETRY.maxAttempts; attempt++) {
      const operation = await enqueueOne('bad');
      await outcomes.record(
        [{ kind: 'failed', operation, code: '', message: 'Invalid currency' }],
        fence,
        RETRY,
        NOW,
      );
      const link = await links.findOne('m', 'bad');
      retryTimes.push((link?.retryAt?.getTime() ?? 0) - NOW.getTime());
      lastStatus = (await db.dataSource.getRepository(SyncOperation).findOneBy({ id: operation.id }))?.status;
    }

    expect(retryTimes).toEqual([60_000, 120_000, 240_000]);
    expect(lastStatus).toBe(OperationStatus.Parked);
    expect(await links.findOne('m', 'bad')).toMatchObject({ parked: true, failedAttempts: 3, dealId: null });
    expect(await links.keysDueForRetry('m', new Date(NOW.getTime() + 10 * 60_000), 10)).not.toContain('bad');
  });

  it('releases parked keys for an operator retry', async () => {
    await links.releaseForRetry('m', runId, NOW);

    expect(await links.keysDueForRetry('m', NOW, 10)).toEqual(['bad']);
  });

  it('marks a deleted deal removed without losing its last payload', async () => {
    const operation = await enqueueOne('k1', OperationAction.Delete);

    await outcomes.record([{ kind: 'succeeded', operation, dealId: 501 }], fence, RETRY, NOW);

    expect(await links.findOne('m', 'k1')).toMatchObject({
      removed: true,
      dealId: 501,
      payloadHash: 'hash-k1',
    });
  });

  describe('fenced by the run lease (invariant 6)', () => {
    it('allows one running run per mapping', async () => {
      const second = (
        await runs.queue({ mapping: 'm', trigger: RunTrigger.Manual, mode: RunMode.Incremental })
      ).id;

      expect(await runs.start(second, 'another-process', LEASE_MS, NOW)).toBe(false);
      expect((await runs.findLiveRun('m'))?.id).toBe(runId);
    });

    it('never lets a second live run claim an operation another live run holds', async () => {
      const other = await startRun('m2', 'another-process');
      const operation = await enqueueOne('held');

      expect(await operations.claim([operation.id], other, NOW)).toEqual(new Set());
    });

    it('lets the next run take over the operations of a run whose lease expired', async () => {
      const holder = await startRun('m3', 'dead-process');
      await operations.enqueue([{ ...NEW_OPERATION, runId: holder, mapping: 'm3', erpKey: 'orphan' }]);
      const [operation] = await operations.findOpen('m3', null, 10);
      await operations.claim([operation.id], holder, NOW);
      await expireLease(holder);

      expect(await runs.closeExpired('m3', 'dead', NOW)).toEqual([holder]);
      const next = await startRun('m3', OWNER);
      expect(await operations.claim([operation.id], next, NOW)).toEqual(new Set([operation.id]));
    });

    it('confirms nothing for a run that no longer holds its lease', async () => {
      const run = await startRun('m4', 'slow-process');
      await operations.enqueue([{ ...NEW_OPERATION, runId: run, mapping: 'm4', erpKey: 'late' }]);
      const [operation] = await operations.findOpen('m4', null, 10);
      await operations.claim([operation.id], run, NOW);
      await expireLease(run);

      const recorded = await outcomes.record(
        [{ kind: 'succeeded', operation, dealId: 777 }],
        { runId: run, owner: 'slow-process' },
        RETRY,
        NOW,
      );

      expect(recorded).toBe(false);
      expect(await links.findOne('m4', 'late')).toBeNull();
      expect(await runs.renewLease(run, 'slow-process', LEASE_MS)).toBe(false);
    });

    it('lets only the owner close its run', async () => {
      const run = await startRun('m5', 'owner-a');
      const end = {
        status: RunStatus.Succeeded,
        counters: ZERO_COUNTERS,
        error: null,
        cursorFrom: null,
        cursorTo: null,
        advanceCursor: false,
      };
      const queued = (await runs.findById(run)) as SyncRun;

      expect(await runs.finish(queued, 'owner-b', end, NOW)).toBe(false);
      expect(await runs.finish(queued, 'owner-a', end, NOW)).toBe(true);
      expect(await runs.findById(run)).toMatchObject({ status: RunStatus.Succeeded });
    });
  });
});

const NEW_OPERATION = {
  runId: 0,
  mapping: 'm',
  erpKey: 'k',
  action: OperationAction.Create,
  dealId: null,
  fields: { TITLE: 'x' },
  payload: { TITLE: 'x' },
  payloadHash: 'h',
  changes: {},
  cursor: null,
};

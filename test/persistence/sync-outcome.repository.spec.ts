import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DealLinkRepository } from '../../src/persistence/deal-link.repository.js';
import {
  OperationAction,
  OperationStatus,
  SyncOperation,
} from '../../src/persistence/entities/sync-operation.entity.js';
import { RunMode, RunTrigger } from '../../src/persistence/entities/sync-run.entity.js';
import { SyncOperationRepository } from '../../src/persistence/sync-operation.repository.js';
import { SyncOutcomeRepository } from '../../src/persistence/sync-outcome.repository.js';
import { SyncRunRepository } from '../../src/persistence/sync-run.repository.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';

const RETRY = { maxAttempts: 3, backoffMs: 60_000 };
const NOW = new Date('2026-11-28T10:00:00Z');

describe(SyncOutcomeRepository.name, () => {
  let db: TestDataSource;
  let runs: SyncRunRepository;
  let operations: SyncOperationRepository;
  let outcomes: SyncOutcomeRepository;
  let links: DealLinkRepository;
  let runId: number;

  beforeAll(async () => {
    db = await createMigratedDataSource();
    runs = new SyncRunRepository(db.dataSource);
    operations = new SyncOperationRepository(db.dataSource);
    outcomes = new SyncOutcomeRepository(db.dataSource);
    links = new DealLinkRepository(db.dataSource);
    runId = (await runs.queue({ mapping: 'm', trigger: RunTrigger.Manual, mode: RunMode.Incremental })).id;
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

    await outcomes.record([{ kind: 'succeeded', operation, dealId: 501 }], RETRY, NOW);

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

    await outcomes.record([{ kind: 'succeeded', operation, dealId: 501 }], RETRY, NOW);

    expect(await links.findOne('m', 'k1')).toMatchObject({
      removed: true,
      dealId: 501,
      payloadHash: 'hash-k1',
    });
  });
});

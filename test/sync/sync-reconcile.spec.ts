import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RunMode, RunStatus, RunTrigger } from '../../src/persistence/entities/sync-run.entity.js';
import { SyncRunRepository } from '../../src/persistence/sync-run.repository.js';
import { compileMapping } from '../../src/sync/mapping/mapping-compiler.js';
import { ReconcilePlanner } from '../../src/sync/reconcile.planner.js';
import { RunLease } from '../../src/sync/run-lease.js';
import { RunTally, type RunContext, type RunControl } from '../../src/sync/run-context.js';
import { ORDERS_MAPPING } from './support/erp-orders.js';
import { ORIGINATOR_ID, dealsByOrigin, linkTable, operationsOf } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 60;

describe('a reconcile run', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({ rows: ROWS });
    expect(await harness.run()).toMatchObject({ status: RunStatus.Succeeded, created: ROWS });
  });

  afterAll(() => harness?.close());

  const dealOf = (erpKey: string) => {
    const deals = dealsByOrigin(harness.emulator).get(erpKey) ?? [];
    expect(deals).toHaveLength(1);
    return deals[0];
  };

  const erpAmount = async (erpKey: string) =>
    (
      await harness.erp.query<{ amount_total: string }>(`SELECT amount_total FROM sale_order WHERE id = $1`, [
        Number(erpKey),
      ])
    )[0].amount_total;

  it('puts back an ERP-owned field edited by hand in Bitrix24, recording old → new', async () => {
    const deal = dealOf('7');
    harness.emulator.editDeal(Number(deal.ID), { OPPORTUNITY: '1.00' });
    const before = harness.writes();

    const run = await harness.run(RunMode.Reconcile);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 1, created: 0, deleted: 0 });
    expect(harness.writes() - before).toBe(1);
    expect(dealOf('7').OPPORTUNITY).toBe(await erpAmount('7'));
    expect(await operationsOf(harness.dataSource, run.id)).toEqual([
      expect.objectContaining({
        erp_key: '7',
        action: 'update',
        status: 'succeeded',
        deal_id: Number(deal.ID),
        changes: { OPPORTUNITY: { old: '1.00', new: await erpAmount('7') } },
      }),
    ]);
  });

  it('recreates a deal deleted by hand in Bitrix24 and links the new deal', async () => {
    const deleted = Number(dealOf('8').ID);
    const response = await fetch(`${harness.emulator.url}/_emulator/deals/${deleted}`, { method: 'DELETE' });
    expect(response.status).toBe(200);

    const run = await harness.run(RunMode.Reconcile);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 1, updated: 0 });
    const recreated = dealOf('8');
    expect(Number(recreated.ID)).not.toBe(deleted);
    expect(recreated.OPPORTUNITY).toBe(await erpAmount('8'));
    const links = await linkTable(harness.dataSource);
    expect(links.get('8')).toMatchObject({ dealId: Number(recreated.ID), removed: false });
    expect(await operationsOf(harness.dataSource, run.id)).toEqual([
      expect.objectContaining({ erp_key: '8', action: 'create', status: 'succeeded' }),
    ]);
  });

  it('closes orphans (our deals whose ERP row is gone) under the delete policy, once', async () => {
    // Row 11 is `sent` (PREPARATION): closing it to LOSE is visible.
    await harness.erp.query(`DELETE FROM sale_order WHERE id = 11`);
    const stray = await handAddDeal(harness, { TITLE: 'stray', ORIGINATOR_ID, ORIGIN_ID: '99999' });
    // Typed by hand: not even a value the ERP's integer key column can hold.
    const typo = await handAddDeal(harness, { TITLE: 'typo', ORIGINATOR_ID, ORIGIN_ID: 'SO-12' });
    expect(dealOf('11').STAGE_ID).toBe('PREPARATION');

    const run = await harness.run(RunMode.Reconcile);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, deleted: 3, created: 0, updated: 0 });
    expect(dealOf('11').STAGE_ID).toBe('LOSE');
    expect(dealOf('99999')).toMatchObject({ ID: String(stray), STAGE_ID: 'LOSE' });
    expect(dealOf('SO-12')).toMatchObject({ ID: String(typo), STAGE_ID: 'LOSE' });
    expect((await linkTable(harness.dataSource)).get('11')).toMatchObject({ removed: true });

    const before = harness.writes();
    const again = await harness.run(RunMode.Reconcile);

    expect(again).toMatchObject({ status: RunStatus.Succeeded, deleted: 0, created: 0, updated: 0 });
    expect(harness.writes()).toBe(before);
  });

  it('changes nothing when Bitrix24 already matches the ERP', async () => {
    const before = harness.writes();

    const run = await harness.run(RunMode.Reconcile);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 0, updated: 0, deleted: 0 });
    expect(harness.writes()).toBe(before);
  });
});

describe('a first sync into a portal that already holds our deals (lost state database)', () => {
  let first: SyncHarness;
  let fresh: SyncHarness | undefined;

  beforeAll(async () => {
    first = await startSyncHarness({ rows: 200 });
    expect(await first.run()).toMatchObject({ status: RunStatus.Succeeded, created: 200 });
  });

  afterAll(async () => {
    await fresh?.close();
    await first?.close();
  });

  it('adopts every existing deal and creates none', async () => {
    const dealsBefore = first.emulator.deals().length;
    const writesBefore = first.writes();
    fresh = await startSyncHarness({ rows: 0, shared: { emulator: first.emulator, erp: first.erp } });

    const run = await fresh.run();

    expect(run).toMatchObject({ status: RunStatus.Succeeded, failed: 0 });
    expect(first.emulator.deals()).toHaveLength(dealsBefore);
    expect(first.writes()).toBe(writesBefore);
    const links = await linkTable(fresh.dataSource);
    expect(links.size).toBe(200);
    const byOrigin = dealsByOrigin(first.emulator);
    for (const [erpKey, link] of links) {
      expect(byOrigin.get(erpKey)?.map((deal) => Number(deal.ID))).toEqual([link.dealId]);
    }
  });
});

describe('a reconcile walking several pages of deals', () => {
  /** Reconcile compares 200 deals a page: two full pages and a short one. */
  const MANY = 420;
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({ rows: MANY });
    expect(await harness.run()).toMatchObject({ status: RunStatus.Succeeded, created: MANY });
  });

  afterAll(() => harness?.close());

  /** A queued reconcile run and the context the executor would give the planner. */
  const reconcileContext = async (control: RunControl): Promise<RunContext> => {
    const mapping = harness.config.mappings[0];
    const runs = harness.module.get(SyncRunRepository);
    const run = await runs.queue({
      mapping: mapping.name,
      mode: RunMode.Reconcile,
      trigger: RunTrigger.Manual,
    });
    await runs.start(run.id, 'reconcile-spec', 60_000, new Date());
    const logger = new Logger('reconcile-spec');
    return {
      run,
      mapping,
      compiled: compileMapping(mapping, 0),
      mappingIndex: 0,
      tally: new RunTally(),
      control,
      lease: new RunLease(runs, run.id, 'reconcile-spec', 60_000, logger),
      logger,
    };
  };
  /** Closes a run the spec planned by hand, so the engine never picks it up. */
  const closeRun = (context: RunContext) =>
    harness.dataSource.query(`UPDATE sync_run SET status = 'cancelled', finished_at = now() WHERE id = $1`, [
      context.run.id,
    ]);

  it.each([
    { stop: 'an operator cancels the run', control: () => false, cancel: true },
    { stop: 'the process shuts down', control: () => true, cancel: false },
  ])('stops after the current page when $stop', async ({ control, cancel }) => {
    const context = await reconcileContext({ shouldStop: control });
    if (cancel) {
      await harness.sync.cancel(context.run.id);
    }

    const outcome = await harness.module.get(ReconcilePlanner).plan(context);
    await closeRun(context);

    expect(outcome).toMatchObject({ stopped: true, guard: null });
    expect(context.tally.get('rowsRead')).toBe(200);
  });

  it('recreates deals deleted by hand anywhere in the walk: the first, one inside a page, the last', async () => {
    const deleted = ['1', '300', String(MANY)].map((erpKey) => {
      const [deal] = dealsByOrigin(harness.emulator).get(erpKey) ?? [];
      return Number(deal.ID);
    });
    for (const id of deleted) {
      const response = await fetch(`${harness.emulator.url}/_emulator/deals/${id}`, { method: 'DELETE' });
      expect(response.status).toBe(200);
    }

    const run = await harness.run(RunMode.Reconcile);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 3, updated: 0, deleted: 0 });
    const byOrigin = dealsByOrigin(harness.emulator);
    expect(byOrigin.size).toBe(MANY);
    expect([...byOrigin.values()].every((deals) => deals.length === 1)).toBe(true);
  });
});

describe('a reconcile after creates with empty mapped fields', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    const mapping = ORDERS_MAPPING().replace(
      '      COMMENTS:',
      '      CLOSEDATE: { column: close_date, type: date }\n      COMMENTS:',
    );
    harness = await startSyncHarness({ rows: 20, mappingYaml: mapping });
    await harness.erp.query(`ALTER TABLE sale_order ADD COLUMN close_date date`);
    await harness.erp.query(`UPDATE sale_order SET close_date = date_order + 30 WHERE id % 2 = 0`);
  });

  afterAll(() => harness?.close());

  it('finds no hand edit where the portal would have filled a default (CLOSEDATE = today + 7)', async () => {
    expect(await harness.run()).toMatchObject({ status: RunStatus.Succeeded, created: 20 });
    const [odd] = dealsByOrigin(harness.emulator).get('1') ?? [];
    expect(odd.CLOSEDATE).toBeNull();
    const before = harness.writes();

    const run = await harness.run(RunMode.Reconcile);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 0, updated: 0, deleted: 0 });
    expect(harness.writes()).toBe(before);
  });
});

async function handAddDeal(harness: SyncHarness, fields: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${harness.emulator.url}/_emulator/deals`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fields }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: number }).id;
}

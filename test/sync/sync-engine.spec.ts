import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RunMode, RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 10_000;

describe('a sync of an ERP table into Bitrix24', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({ rows: ROWS });
  });

  afterAll(() => harness?.close());

  it(`creates exactly ${ROWS} deals with the mapped values on the first run`, async () => {
    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: ROWS, failed: 0 });
    // One probe proves the portal holds no deal of ours: no ORIGIN_ID lookups, just the creates' batches.
    expect(harness.emulator.stats().byMethod).toEqual({ 'crm.deal.list': 1, batch: ROWS / 50 });
    const deals = harness.emulator.deals();
    expect(deals).toHaveLength(ROWS);
    expect(new Set(deals.map((deal) => deal.ORIGIN_ID)).size).toBe(ROWS);
    const [row] = await harness.erp.query<Record<string, string>>(`SELECT * FROM sale_order WHERE id = 42`);
    expect(deals.find((deal) => deal.ORIGIN_ID === '42')).toMatchObject({
      ORIGINATOR_ID: 'erp-test',
      TITLE: `${row.name} ${row.partner_name}`,
      OPPORTUNITY: Number(row.amount_total).toFixed(2),
      CURRENCY_ID: row.currency,
      STAGE_ID: { draft: 'NEW', sent: 'PREPARATION', sale: 'EXECUTING', done: 'WON', cancel: 'LOSE' }[
        row.state
      ],
    });
  }, 180_000);

  it('sends no write when nothing changed', async () => {
    const before = harness.writes();

    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 0, updated: 0 });
    expect(harness.writes()).toBe(before);
  });

  it('sends no write when only the cursor column was touched', async () => {
    await harness.erp.query(`UPDATE sale_order SET write_date = clock_timestamp() WHERE id % 10 = 0`);
    const before = harness.writes();

    const run = await harness.run();

    expect(run.rowsRead).toBeGreaterThanOrEqual(ROWS / 10);
    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 0, unchanged: run.rowsRead });
    expect(harness.writes()).toBe(before);
  });

  it('updates exactly the 1% of rows that changed, with only the changed field', async () => {
    await harness.erp.query(
      `UPDATE sale_order SET amount_total = amount_total + 1, write_date = clock_timestamp() WHERE id % 100 = 7`,
    );
    const before = harness.writes();

    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: ROWS / 100, created: 0 });
    expect(harness.writes() - before).toBe(ROWS / 100);
    const operations = await harness.dataSource.query<Array<{ fields: Record<string, unknown> }>>(
      `SELECT fields FROM sync_operation WHERE run_id = $1`,
      [run.id],
    );
    expect(operations).toHaveLength(ROWS / 100);
    expect(operations.every((operation) => Object.keys(operation.fields).join() === 'OPPORTUNITY')).toBe(
      true,
    );
    const [row] = await harness.erp.query<{ amount_total: string }>(
      `SELECT amount_total FROM sale_order WHERE id = 107`,
    );
    expect(harness.emulator.deals().find((deal) => deal.ORIGIN_ID === '107')?.OPPORTUNITY).toBe(
      row.amount_total,
    );
  });

  it('sweeps every row in full mode without writing to Bitrix24 or rewriting a single link', async () => {
    const linkVersions = () =>
      harness.dataSource.query<Array<{ versions: string }>>(
        `SELECT string_agg(ctid::text, ',' ORDER BY erp_key) AS versions FROM deal_link`,
      );
    const before = { writes: harness.writes(), links: await linkVersions() };

    const run = await harness.run(RunMode.Full);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, rowsRead: ROWS, unchanged: ROWS, deleted: 0 });
    expect(harness.writes()).toBe(before.writes);
    expect(await linkVersions()).toEqual(before.links);
    expect(await harness.dataSource.query(`SELECT * FROM sync_sweep_key`)).toEqual([]);
  });

  it('records what a dry run would change, without the fields and payload it would send', async () => {
    await harness.erp.query(
      `UPDATE sale_order SET amount_total = amount_total + 1, write_date = clock_timestamp() WHERE id % 100 = 9`,
    );
    const before = harness.writes();

    const run = await harness.run(RunMode.Incremental, { dryRun: true });

    expect(run).toMatchObject({ status: RunStatus.Succeeded, planned: ROWS / 100 });
    expect(harness.writes()).toBe(before);
    const stored = await harness.dataSource.query<
      Array<{ fields: object; payload: object | null; changed: string }>
    >(
      `SELECT fields, payload, string_agg(field, ',') AS changed
         FROM sync_operation, jsonb_object_keys(changes) AS field
        WHERE run_id = $1 GROUP BY id, fields, payload`,
      [run.id],
    );
    expect(stored).toHaveLength(ROWS / 100);
    expect(stored.every((row) => row.changed === 'OPPORTUNITY')).toBe(true);
    expect(stored.every((row) => Object.keys(row.fields).length === 0 && row.payload === null)).toBe(true);
  });

  it('trips the delete guard when the ERP table is emptied, and deletes nothing', async () => {
    await harness.erp.query(`DELETE FROM sale_order`);
    const before = harness.writes();

    const run = await harness.run(RunMode.Full);

    expect(run.status).toBe(RunStatus.Failed);
    expect(run.error).toContain(`${ROWS} deals would be closed`);
    expect(run.error).toContain('mappings[0].delete.maxPerRun');
    expect(harness.writes()).toBe(before);
    expect(harness.emulator.deals().filter((deal) => deal.STAGE_ID === 'LOSE')).toHaveLength(ROWS / 5);
  });
});

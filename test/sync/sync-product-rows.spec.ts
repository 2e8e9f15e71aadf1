import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RunMode, RunStatus, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { addOrderLines, ORDERS_WITH_LINES_MAPPING } from './support/erp-graph.js';
import { productRowMismatches, writesDuring as writesDuringOf } from './support/graph-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ORDERS = 200;

describe('a deal mapping with productRows', () => {
  let harness: SyncHarness;
  const writesDuring = (step: () => Promise<SyncRun>) => writesDuringOf(harness, step);
  const rowMismatches = () => productRowMismatches(harness);

  beforeAll(async () => {
    harness = await startSyncHarness({
      rows: ORDERS,
      mappingYaml: `mappings:\n${ORDERS_WITH_LINES_MAPPING({ linesCursor: true })}`,
    });
    await addOrderLines(harness.erp);
  });

  afterAll(() => harness?.close());

  it('creates every deal with its rows in the same batch request as the deal', async () => {
    const { run, delta } = await writesDuring(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: ORDERS, failed: 0 });
    expect(delta).toEqual({ 'crm.deal.add': ORDERS, 'crm.deal.productrows.set': ORDERS });
    // 400 commands in batches of 50, each deal's add and rows side by side; one probe before.
    expect(harness.emulator.stats().byMethod).toEqual({ 'crm.deal.list': 1, batch: (2 * ORDERS) / 50 });
    expect(await rowMismatches()).toEqual([]);
  }, 120_000);

  it('makes no write on a second run, incremental or full', async () => {
    const incremental = await writesDuring(() => harness.run());
    const full = await writesDuring(() => harness.run(RunMode.Full));

    expect(incremental.delta).toEqual({});
    expect(full.delta).toEqual({});
    expect(full.run.unchanged).toBe(ORDERS);
  });

  it('costs exactly one productrows.set per deal whose lines changed, and nothing else', async () => {
    const [{ changed }] = await harness.erp.query<{ changed: number }>(
      `SELECT count(DISTINCT order_id)::int AS changed FROM sale_order_line
        WHERE order_id % 20 = 3 OR (order_id % 20 = 5 AND sequence = 20) OR order_id = 7`,
    );
    await harness.erp.query(
      `UPDATE sale_order_line SET product_uom_qty = product_uom_qty + 1 WHERE order_id % 20 = 3`,
    );
    await harness.erp.query(`DELETE FROM sale_order_line WHERE order_id % 20 = 5 AND sequence = 20`);
    await harness.erp.query(
      `INSERT INTO sale_order_line (order_id, sequence, name, product_uom_qty, price_unit) VALUES (7, 5, 'First', 1, 9.99)`,
    );

    const { run, delta } = await writesDuring(() => harness.run(RunMode.Full));

    expect(changed).toBe(21);
    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: changed, failed: 0 });
    expect(delta).toEqual({ 'crm.deal.productrows.set': changed });
    expect(await rowMismatches()).toEqual([]);
  });

  it('finds lines edited without touching their order in the next incremental run (productRows.cursor)', async () => {
    // Orders out of the incremental window (its lookback included): only their lines' cursor can find them.
    await harness.erp.query(`UPDATE sale_order SET write_date = write_date - interval '1 hour'`);
    await harness.erp.query(
      `UPDATE sale_order_line SET name = name || ' v2', write_date = clock_timestamp() WHERE order_id IN (21, 22, 23)`,
    );

    const { run, delta } = await writesDuring(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 3, failed: 0 });
    expect(delta).toEqual({ 'crm.deal.productrows.set': 3 });
    expect(await rowMismatches()).toEqual([]);
  });

  it('sends a changed title alone, without resending unchanged rows', async () => {
    await harness.erp.query(
      `UPDATE sale_order SET name = 'Renamed', write_date = clock_timestamp() WHERE id = 11`,
    );

    const { delta } = await writesDuring(() => harness.run());

    expect(delta).toEqual({ 'crm.deal.update': 1 });
  });
});

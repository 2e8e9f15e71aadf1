import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  RunMode,
  RunStatus,
  RunTrigger,
  type SyncRun,
} from '../../src/persistence/entities/sync-run.entity.js';
import {
  addCustomers,
  addLinkedOrders,
  addOrderLines,
  CUSTOMERS_MAPPING,
  ORDERS_WITH_LINES_MAPPING,
} from './support/erp-graph.js';
import { productRowMismatches, writesDuring, wrongCompanyLinks } from './support/graph-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ORDERS = 5_000;
const CUSTOMERS = 500;

describe('the order as a graph: 5,000 orders over 500 companies with 1–8 lines each', () => {
  let harness: SyncHarness;
  const during = (step: () => Promise<SyncRun>) => writesDuring(harness, step);
  const runCustomers = () =>
    harness.sync.runAndWait({ mapping: 'customers', mode: RunMode.Incremental, trigger: RunTrigger.Manual });

  beforeAll(async () => {
    harness = await startSyncHarness({
      rows: ORDERS,
      mappingYaml: `mappings:\n${ORDERS_WITH_LINES_MAPPING({ linkCustomers: true })}${CUSTOMERS_MAPPING()}`,
    });
    await addCustomers(harness.erp, CUSTOMERS);
    await addLinkedOrders(harness.erp, 0, CUSTOMERS);
    await addOrderLines(harness.erp, 8);
  }, 120_000);

  afterAll(() => harness?.close());

  it('creates every company once, every deal on its company, with the ERP lines as its rows', async () => {
    const { run, delta } = await during(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: ORDERS, failed: 0 });
    const linked = ORDERS - Math.floor(ORDERS / 97);
    const companies = harness.emulator.companies();
    expect(companies).toHaveLength(CUSTOMERS);
    expect(new Set(companies.map((company) => company.ORIGIN_ID)).size).toBe(CUSTOMERS);
    expect(delta).toEqual({
      'crm.company.add': CUSTOMERS,
      'crm.deal.add': ORDERS,
      'crm.deal.productrows.set': ORDERS,
    });
    expect(await wrongCompanyLinks(harness)).toEqual([]);
    expect(await productRowMismatches(harness)).toEqual([]);
    expect(
      harness.emulator.deals().filter((deal) => deal.COMPANY_ID !== null && deal.COMPANY_ID !== '0'),
    ).toHaveLength(linked);
    // Commands share batches: a deal's add and its rows travel together, companies in batches of their own.
    const stats = harness.emulator.stats();
    expect(stats.byMethod.batch).toBeLessThanOrEqual(Math.ceil((1.1 * (CUSTOMERS + 2 * ORDERS)) / 50));
    expect(stats.queryLimitExceeded).toBe(0);
    expect(stats.byStatus['503'] ?? 0).toBe(0);
  }, 600_000);

  it('makes no write on a second run of either mapping, incremental or full', async () => {
    const orders = await during(() => harness.run(RunMode.Full));
    const customers = await during(runCustomers);

    expect(orders.run.unchanged).toBe(ORDERS);
    expect(orders.delta).toEqual({});
    expect(customers.delta).toEqual({});
  }, 300_000);

  it('costs exactly 30 productrows.set for 30 orders whose lines changed, and nothing else', async () => {
    await harness.erp.query(
      `UPDATE sale_order_line SET product_uom_qty = product_uom_qty + 1 WHERE order_id IN (
         SELECT id FROM sale_order ORDER BY id LIMIT 30 OFFSET 100)`,
    );

    const { run, delta } = await during(() => harness.run(RunMode.Full));

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 30, failed: 0 });
    expect(delta).toEqual({ 'crm.deal.productrows.set': 30 });
    expect(await productRowMismatches(harness)).toEqual([]);
  }, 300_000);

  it('costs exactly 5 company updates for 5 renamed companies, and no update of their deals', async () => {
    await harness.erp.query(
      `UPDATE res_partner SET name = name || ' Ltd', write_date = clock_timestamp() WHERE id IN (3, 33, 133, 233, 433)`,
    );
    await harness.erp.query(
      `UPDATE sale_order SET write_date = clock_timestamp() WHERE partner_id IN (3, 33, 133, 233, 433)`,
    );

    const customers = await during(runCustomers);
    const orders = await during(() => harness.run());

    expect(customers.delta).toEqual({ 'crm.company.update': 5 });
    expect(orders.delta).toEqual({});
    expect(orders.run.unchanged).toBeGreaterThan(0);
  }, 300_000);
});

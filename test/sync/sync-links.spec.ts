import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  RunMode,
  RunStatus,
  RunTrigger,
  type SyncRun,
} from '../../src/persistence/entities/sync-run.entity.js';
import {
  addCustomers,
  addLinkedOrders,
  CUSTOMERS_MAPPING,
  LINKED_ORDERS_MAPPING,
} from './support/erp-graph.js';
import { wrongCompanyLinks, writesDuring as writesDuringOf } from './support/graph-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const CUSTOMERS = 60;
const ORDERS = 300;

describe('deals linked to companies ({ link: customers, column: partner_id })', () => {
  let harness: SyncHarness;
  const writesDuring = (step: () => Promise<SyncRun>) => writesDuringOf(harness, step);
  const runCustomers = () =>
    harness.sync.runAndWait({ mapping: 'customers', mode: RunMode.Incremental, trigger: RunTrigger.Manual });
  const touch = (sql: string) => harness.erp.query(sql.replace('SET', 'SET write_date = clock_timestamp(),'));
  const wrongLinks = () => wrongCompanyLinks(harness);

  beforeAll(async () => {
    harness = await startSyncHarness({
      rows: 0,
      mappingYaml: `mappings:\n${LINKED_ORDERS_MAPPING({ backoff: '10ms' })}${CUSTOMERS_MAPPING({ backoff: '10ms' })}`,
    });
    await addCustomers(harness.erp, CUSTOMERS);
    await addLinkedOrders(harness.erp, ORDERS, CUSTOMERS);
  });

  afterAll(() => harness?.close());

  it('syncs the companies the orders need first, each once, and links every deal to its own company', async () => {
    const { run, delta } = await writesDuring(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: ORDERS, failed: 0 });
    expect(delta).toEqual({ 'crm.company.add': CUSTOMERS, 'crm.deal.add': ORDERS });
    expect(new Set(harness.emulator.companies().map((company) => company.ORIGIN_ID)).size).toBe(CUSTOMERS);
    expect(await wrongLinks()).toEqual([]);
    const parents = await harness.dataSource.query<Array<{ status: string; requested_by: string }>>(
      `SELECT status, requested_by FROM sync_run WHERE mapping = 'customers'`,
    );
    expect(parents.length).toBeGreaterThan(0);
    expect(parents.every((parent) => parent.requested_by === `run ${run.id} of orders`)).toBe(true);
  }, 120_000);

  it('makes no write on a second run of either mapping', async () => {
    await touch(`UPDATE sale_order SET name = name WHERE id % 7 = 0`);

    const orders = await writesDuring(() => harness.run());
    const customers = await writesDuring(runCustomers);

    expect(orders.delta).toEqual({});
    expect(customers.delta).toEqual({});
    expect(orders.run.unchanged).toBeGreaterThan(0);
  });

  it('costs one company update per renamed company, and no update of their deals', async () => {
    await touch(`UPDATE res_partner SET name = name || ' (renamed)' WHERE id <= 5`);
    await touch(`UPDATE sale_order SET name = name WHERE partner_id <= 5`);

    const customers = await writesDuring(runCustomers);
    const orders = await writesDuring(() => harness.run());

    expect(customers.delta).toEqual({ 'crm.company.update': 5 });
    expect(orders.delta).toEqual({});
    expect(orders.run.unchanged).toBeGreaterThan(0);
  });

  it('moves a deal to another company with one deal update, and empties COMPANY_ID for a NULL link', async () => {
    await touch(`UPDATE sale_order SET partner_id = 7 WHERE id = 1`);
    await touch(`UPDATE sale_order SET partner_id = NULL WHERE id = 2`);

    const { delta } = await writesDuring(() => harness.run());

    expect(delta).toEqual({ 'crm.deal.update': 2 });
    expect(await wrongLinks()).toEqual([]);
  });

  it('fails the children of a parent the portal refuses, naming the parent, and syncs them once it is fixed', async () => {
    const [{ id }] = await harness.erp.query<{ id: number }>(
      `INSERT INTO res_partner (name, email) VALUES ('Bad mail', 'not an address') RETURNING id`,
    );
    await harness.erp.query(
      `INSERT INTO sale_order (name, state, amount_total, date_order, partner_name, currency, partner_id)
       SELECT 'BAD' || n, 'draft', 10, date '2026-01-01', 'x', 'RUB', $1 FROM generate_series(1, 3) AS n`,
      [id],
    );

    const failed = await harness.run();

    expect(failed).toMatchObject({ status: RunStatus.PartiallyFailed, failed: 3, created: 0 });
    const messages = await harness.dataSource.query<Array<{ error_message: string }>>(
      `SELECT error_message FROM sync_operation WHERE run_id = $1`,
      [failed.id],
    );
    expect(messages).toHaveLength(3);
    for (const { error_message } of messages) {
      expect(error_message).toMatch(new RegExp(`^parent customers/${id} failed: .*e-mail`));
    }
    expect(harness.emulator.deals().filter((deal) => deal.TITLE?.startsWith('BAD'))).toHaveLength(0);

    await touch(`UPDATE res_partner SET email = 'good@example.com' WHERE id = ${id}`);
    await sleep(50);
    const { run, delta } = await writesDuring(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 3, failed: 0 });
    expect(delta).toEqual({ 'crm.company.add': 1, 'crm.deal.add': 3 });
    expect(await wrongLinks()).toEqual([]);
  });
});

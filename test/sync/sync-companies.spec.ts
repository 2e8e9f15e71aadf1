import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PrintedMultiValue, PrintedRecord } from '../../src/emulator/index.js';
import { RunMode, RunStatus, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { addCustomers, CUSTOMERS_MAPPING } from './support/erp-graph.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const CUSTOMERS = 300;

describe('a company mapping (entity: company) with multi-fields', () => {
  let harness: SyncHarness;
  const company = (key: string): PrintedRecord | undefined =>
    harness.emulator.companies().find((record) => record.ORIGIN_ID === key);
  const writesDuring = async (step: () => Promise<SyncRun>) => {
    const before = harness.emulator.stats().writesByMethod;
    const run = await step();
    const after = harness.emulator.stats().writesByMethod;
    const delta: Record<string, number> = {};
    for (const [method, count] of Object.entries(after)) {
      if (count !== (before[method] ?? 0)) {
        delta[method] = count - (before[method] ?? 0);
      }
    }
    return { run, delta };
  };
  const touch = (sql: string) => harness.erp.query(sql.replace('SET', 'SET write_date = clock_timestamp(),'));

  beforeAll(async () => {
    harness = await startSyncHarness({
      rows: 0,
      mappingYaml: `mappings:\n${CUSTOMERS_MAPPING({ deletePolicy: 'delete' })}`,
    });
    await addCustomers(harness.erp, CUSTOMERS);
  });

  afterAll(() => harness?.close());

  it(`creates ${CUSTOMERS} companies carrying ORIGINATOR_ID/ORIGIN_ID and their e-mail and phone`, async () => {
    const { run, delta } = await writesDuring(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: CUSTOMERS, failed: 0 });
    expect(delta).toEqual({ 'crm.company.add': CUSTOMERS });
    expect(harness.emulator.deals()).toHaveLength(0);
    expect(new Set(harness.emulator.companies().map((record) => record.ORIGIN_ID)).size).toBe(CUSTOMERS);
    expect(company('7')).toMatchObject({
      ORIGINATOR_ID: 'erp-test',
      TITLE: 'Customer 7',
      EMAIL: [expect.objectContaining({ VALUE: 'buyer7@example.com', VALUE_TYPE: 'WORK' })],
      PHONE: [expect.objectContaining({ VALUE: '+7 900 0000007', VALUE_TYPE: 'WORK' })],
    });
    expect(company('10')?.EMAIL).toBeUndefined();
  }, 120_000);

  it('makes no write on a second run, nor when only the cursor column moved', async () => {
    await touch(`UPDATE res_partner SET name = name WHERE id % 3 = 0`);

    const { run, delta } = await writesDuring(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 0, updated: 0 });
    expect(run.unchanged).toBeGreaterThanOrEqual(CUSTOMERS / 3);
    expect(delta).toEqual({});
  });

  it('costs exactly one company update for a renamed company', async () => {
    await touch(`UPDATE res_partner SET name = 'Renamed Ltd' WHERE id = 5`);

    const { run, delta } = await writesDuring(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 1, created: 0 });
    expect(delta).toEqual({ 'crm.company.update': 1 });
    expect(company('5')?.TITLE).toBe('Renamed Ltd');
  });

  it('changes an e-mail in place by its ID, never adding a second value', async () => {
    const [before] = company('7')?.EMAIL as PrintedMultiValue[];
    await touch(`UPDATE res_partner SET email = 'new7@example.com' WHERE id = 7`);

    const { delta } = await writesDuring(() => harness.run());
    await touch(`UPDATE res_partner SET email = 'newer7@example.com' WHERE id = 7`);
    await harness.run();

    expect(delta).toEqual({ 'crm.company.update': 1 });
    expect(company('7')?.EMAIL).toEqual([{ ...before, VALUE: 'newer7@example.com' }]);
    expect(company('7')?.PHONE).toHaveLength(1);
  });

  it('leaves values of other types added by hand alone, and removes its own value when the ERP empties it', async () => {
    const id = Number(company('8')?.ID);
    await handEdit(harness, id, { EMAIL: [{ VALUE: 'home8@example.com', VALUE_TYPE: 'HOME' }] });
    await touch(`UPDATE res_partner SET email = NULL WHERE id = 8`);

    const { delta } = await writesDuring(() => harness.run());

    expect(delta).toEqual({ 'crm.company.update': 1 });
    expect(company('8')?.EMAIL).toEqual([expect.objectContaining({ VALUE: 'home8@example.com' })]);
  });

  it('adds the value a company lacks, once', async () => {
    await touch(`UPDATE res_partner SET email = 'first10@example.com' WHERE id = 10`);

    await harness.run();
    await touch(`UPDATE res_partner SET email = 'first10@example.com' WHERE id = 10`);
    const { delta } = await writesDuring(() => harness.run());

    expect(delta).toEqual({});
    expect(company('10')?.EMAIL).toEqual([
      expect.objectContaining({ VALUE: 'first10@example.com', VALUE_TYPE: 'WORK' }),
    ]);
  });

  it('re-pushes an ERP-owned field edited by hand on a reconcile run, and ignores other-typed values', async () => {
    await handEdit(harness, Number(company('11')?.ID), { TITLE: 'Typed by hand' });

    const { run, delta } = await writesDuring(() => harness.run(RunMode.Reconcile));

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 1 });
    expect(delta).toEqual({ 'crm.company.update': 1 });
    expect(company('11')?.TITLE).toBe('Customer 11');
  });

  it('fails the row of a company the portal refuses (an invalid e-mail), and a retry syncs it once fixed', async () => {
    await touch(`UPDATE res_partner SET email = 'not an address', name = 'Broken' WHERE id = 12`);

    const failed = await harness.run();

    expect(failed).toMatchObject({ status: RunStatus.PartiallyFailed, failed: 1 });
    const [link] = await harness.dataSource.query<Array<{ failed_attempts: number; last_error: string }>>(
      `SELECT failed_attempts, last_error FROM deal_link WHERE mapping = 'customers' AND erp_key = '12'`,
    );
    expect(link.failed_attempts).toBe(1);
    expect(link.last_error).toContain('e-mail');
    expect(company('12')?.TITLE).toBe('Customer 12');

    await touch(`UPDATE res_partner SET email = 'fixed12@example.com' WHERE id = 12`);
    const { run, delta } = await writesDuring(async () =>
      harness.waitForRun(await harness.sync.retry(failed.id)),
    );

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 1, failed: 0 });
    expect(delta).toEqual({ 'crm.company.update': 1 });
    expect(company('12')).toMatchObject({
      TITLE: 'Broken',
      EMAIL: [expect.objectContaining({ VALUE: 'fixed12@example.com' })],
    });
  });

  it('creates each new company once although answers are lost after the portal committed them', async () => {
    await harness.erp.query(
      `INSERT INTO res_partner (name, email) SELECT 'Late ' || n, 'late' || n || '@example.com'
         FROM generate_series(1, 100) AS n`,
    );
    harness.emulator.setFaults({ commitThenDropRate: 0.3, seed: 7 });
    const runs: SyncRun[] = [];
    do {
      runs.push(await harness.run());
    } while (runs.at(-1)?.status !== RunStatus.Succeeded && runs.length < 6);
    harness.emulator.setFaults({});

    expect(runs.at(-1)?.status).toBe(RunStatus.Succeeded);
    expect(harness.emulator.stats().faults['commit-then-drop']).toBeGreaterThan(0);
    const origins = harness.emulator.companies().map((record) => record.ORIGIN_ID);
    expect(origins).toHaveLength(CUSTOMERS + 100);
    expect(new Set(origins).size).toBe(CUSTOMERS + 100);
  }, 120_000);

  it('deletes the company of a customer gone from the ERP on a full sweep, under the delete guard', async () => {
    await harness.erp.query(`DELETE FROM res_partner WHERE id = 3`);

    const { run, delta } = await writesDuring(() => harness.run(RunMode.Full));

    expect(run).toMatchObject({ status: RunStatus.Succeeded, deleted: 1 });
    expect(delta).toEqual({ 'crm.company.delete': 1 });
    expect(company('3')).toBeUndefined();

    await harness.erp.query(`DELETE FROM res_partner WHERE id <= 50`);
    const guarded = await writesDuring(() => harness.run(RunMode.Full));
    expect(guarded.run.status).toBe(RunStatus.Failed);
    expect(guarded.run.error).toContain('49 companies would be deleted');
    expect(guarded.delta).toEqual({});
  });
});

async function handEdit(harness: SyncHarness, id: number, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${harness.emulator.url}/_emulator/companies/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fields }),
  });
  expect(response.status).toBe(200);
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import { RunMode, RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import type { TestDatabase } from '../support/database.js';
import { createTestMysqlDatabase, mysqlAvailable } from '../support/mysql.js';
import { ORIGINATOR_ID, dealsByOrigin, operationsOf } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

/** ORDERS_MAPPING's fields over a source whose key is the text column `code`. */
const CODE_MAPPING = (source: string) => `
mappings:
  - name: coded-orders
    source:
${source}
      key: code
      cursor: write_date
      lookback: 1m
      pageSize: 5
    target: { originatorId: ${ORIGINATOR_ID}, categoryId: 0 }
    fields:
      TITLE: { template: "{{name}} {{partner_name}}", maxLength: 255 }
      OPPORTUNITY: { column: amount_total, type: money }
      CURRENCY_ID: { column: currency }
      BEGINDATE: { column: date_order, type: date }
      COMMENTS: { column: note }
    delete: { policy: close, stage: LOSE, maxPerRun: 100 }
`;

const ROWS = 12;
const NUL_NOTE = 'SO3';
const NUL_KEY = 'SO8\u0000x';

(mysqlAvailable('the NUL byte engine spec (test/sync/sync-poison.spec.ts, MariaDB ERP)')
  ? describe
  : describe.skip)('a MariaDB row holding a NUL byte', () => {
  let erp: TestDatabase;
  let connection: mysql.Connection;
  let harness: SyncHarness;

  beforeAll(async () => {
    erp = await createTestMysqlDatabase('poison');
    connection = await mysql.createConnection({ uri: erp.url, charset: 'utf8mb4' });
    await connection.query(`
        CREATE TABLE sale_order (
          id INT PRIMARY KEY, code VARCHAR(32) NOT NULL, name VARCHAR(64) NOT NULL, amount_total DECIMAL(12, 2) NOT NULL,
          date_order DATE NOT NULL, write_date DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), note TEXT,
          partner_name VARCHAR(64) NOT NULL, currency VARCHAR(3) NOT NULL)`);
    const rows = Array.from({ length: ROWS }, (_, index) => {
      const id = index + 1;
      const code = id === 8 ? NUL_KEY : `SO${id}`;
      const note = id === 3 ? 'call\u0000first' : `note ${id}`;
      return [id, code, `Order ${id}`, id * 10, '2026-01-01', note, 'Partner', 'USD'];
    });
    await connection.query(
      `INSERT INTO sale_order (id, code, name, amount_total, date_order, note, partner_name, currency) VALUES ?`,
      [rows],
    );
    harness = await startSyncHarness({
      rows: 0,
      erpUrl: erp.url,
      mappingYaml: CODE_MAPPING('      table: sale_order'),
    });
  });

  afterAll(async () => {
    await harness?.close();
    await connection?.end();
    await erp?.drop();
  });

  it('fails that row alone, naming the field and column, while its page-mates sync', async () => {
    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.PartiallyFailed, created: ROWS - 2, failed: 2 });
    const failed = (await operationsOf(harness.dataSource, run.id)).filter((op) => op.status === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({
        erp_key: NUL_NOTE,
        error_code: 'MAPPING_UNSTORABLE_TEXT',
        error_message:
          'COMMENTS (string): column "note" value "call\\u0000first": holds a NUL character (U+0000) at ' +
          'character 5, which PostgreSQL cannot store',
      }),
      expect.objectContaining({
        erp_key: '(no key)',
        error_code: 'unstorable_key',
        error_message: expect.stringContaining('key column code holds a NUL character (U+0000)'),
      }),
    ]);
    const origins = dealsByOrigin(harness.emulator);
    expect([...origins.keys()].sort()).toEqual(
      ['SO1', 'SO2', 'SO4', 'SO5', 'SO6', 'SO7', 'SO9', 'SO10', 'SO11', 'SO12'].sort(),
    );
  });

  it('syncs the row once the ERP value is fixed', async () => {
    await connection.query(`UPDATE sale_order SET note = 'call first' WHERE id = 3`);

    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.PartiallyFailed, created: 1, failed: 1 });
    expect(dealsByOrigin(harness.emulator).get(NUL_NOTE)).toEqual([
      expect.objectContaining({ COMMENTS: 'call first' }),
    ]);
  });
});

describe('poison values with a PostgreSQL ERP', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({
      rows: 10,
      mappingYaml: CODE_MAPPING(`      query: >-
        SELECT CASE id WHEN 3 THEN '' WHEN 4 THEN '   ' ELSE 'SO' || id END AS code,
               name, amount_total, date_order, write_date, note, partner_name, currency
          FROM sale_order`),
    });
  });

  afterAll(() => harness?.close());

  it('fails rows with a blank key like a NULL key: no deal with an empty ORIGIN_ID, the others sync', async () => {
    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.PartiallyFailed, created: 8, failed: 2 });
    expect(
      (await operationsOf(harness.dataSource, run.id))
        .filter((op) => op.status === 'failed')
        .map((op) => [op.erp_key, op.error_code, op.error_message]),
    ).toEqual([
      [
        '(no key)',
        'blank_key',
        expect.stringContaining('key column code is blank in the row with code = ""'),
      ],
      [
        '(no key)',
        'blank_key',
        expect.stringContaining('key column code is blank in the row with code = "   "'),
      ],
    ]);
    const origins = [...dealsByOrigin(harness.emulator).keys()];
    expect(origins).toHaveLength(8);
    expect(origins.filter((origin) => origin.trim() === '')).toEqual([]);
    expect(await harness.dataSource.query(`SELECT erp_key FROM deal_link WHERE trim(erp_key) = ''`)).toEqual(
      [],
    );
  });

  it('records NUL bytes typed by hand in Bitrix24 during a reconcile instead of failing the run', async () => {
    const [deal] = dealsByOrigin(harness.emulator).get('SO5') ?? [];
    harness.emulator.editDeal(Number(deal.ID), { TITLE: 'Order\u00005' });
    const stray = await handAddDeal(harness, { TITLE: 'stray', ORIGINATOR_ID, ORIGIN_ID: 'SO\u00009' });

    const run = await harness.run(RunMode.Reconcile);

    expect(run).toMatchObject({ status: RunStatus.Succeeded, updated: 1, deleted: 1, created: 0 });
    expect(await operationsOf(harness.dataSource, run.id)).toEqual([
      expect.objectContaining({
        erp_key: 'SO5',
        action: 'update',
        changes: { TITLE: { old: 'Order\ufffd5', new: 'SO000005 Partner 5' } },
      }),
      expect.objectContaining({ erp_key: `deal ${stray}`, action: 'delete', status: 'succeeded' }),
    ]);
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

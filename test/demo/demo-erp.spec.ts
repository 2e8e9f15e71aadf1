import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { Secret } from '../../src/config/secret.js';
import { BROKEN_CURRENCY, BROKEN_STATE, type OrderEdit } from '../../src/demo/demo-changes.js';
import { DemoErpDatabase } from '../../src/demo/demo-erp.database.js';
import { generateOrders, newOrder } from '../../src/demo/demo-orders.js';
import { seededRandom } from '../../src/demo/demo-random.js';
import { DemoChanger } from '../../src/demo/demo.changer.js';
import { LogCapture } from '../support/log-capture.js';
import { testPool } from '../support/database.js';

const TODAY = '2026-11-28';
const serverUrl = () => new Secret(process.env.TEST_DATABASE_URL ?? '');

interface OrderRow {
  id: number;
  name: string;
  state: string;
  amount_total: string;
  currency: string;
  write_date: string;
}

describe(DemoErpDatabase.name, () => {
  const database = `demo_erp_${process.pid}_${randomBytes(4).toString('hex')}`;
  let erp: DemoErpDatabase;
  let seeded: boolean;
  let sql: pg.Pool;

  const orderRow = async (id: number): Promise<OrderRow> => {
    const { rows } = await sql.query<OrderRow>(
      `SELECT o.id, o.name, o.state, o.amount_total::text, c.name AS currency, o.write_date::text
         FROM sale_order o JOIN res_currency c ON c.id = o.currency_id WHERE o.id = $1`,
      [id],
    );
    return rows[0];
  };

  beforeAll(async () => {
    ({ erp, seeded } = await DemoErpDatabase.open(
      serverUrl(),
      () => generateOrders(120, 1, TODAY, seededRandom(1)),
      database,
    ));
    sql = testPool(erp.url.reveal(), 1);
    sql.on('error', () => undefined);
  });

  afterAll(async () => {
    await sql?.end();
    await erp?.close();
    const admin = new pg.Client({ connectionString: serverUrl().reveal() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('creates the database and seeds it on first start', async () => {
    expect(seeded).toBe(true);
    expect(await erp.countOrders()).toBe(120);
    expect(await erp.nextOrderNumber()).toBe(121);
  });

  it('keeps the orders on the next start instead of seeding again', async () => {
    const again = await DemoErpDatabase.open(
      serverUrl(),
      () => generateOrders(5, 1, TODAY, seededRandom(2)),
      database,
    );
    try {
      expect(again.seeded).toBe(false);
      expect(await again.erp.countOrders()).toBe(120);
    } finally {
      await again.erp.close();
    }
  });

  it('gives every order its lines and every customer an e-mail, also in a database made before lines existed', async () => {
    const ordersWithoutLines = `SELECT count(*)::int AS count FROM sale_order o
      WHERE NOT EXISTS (SELECT 1 FROM sale_order_line l WHERE l.order_id = o.id)`;
    const count = async (query: string) => (await sql.query<{ count: number }>(query)).rows[0].count;
    expect(await count(ordersWithoutLines)).toBe(0);
    expect(await count(`SELECT count(*)::int AS count FROM res_partner WHERE email IS NULL`)).toBe(0);

    await sql.query(
      `DROP TABLE sale_order_line; ALTER TABLE res_partner DROP COLUMN email, DROP COLUMN write_date`,
    );
    const again = await DemoErpDatabase.open(serverUrl(), () => [], database);
    await again.erp.close();

    expect(await count(ordersWithoutLines)).toBe(0);
    expect(await count(`SELECT count(*)::int AS count FROM res_partner WHERE email IS NULL`)).toBe(0);
  });

  it('edits orders by field, moving their write_date, and inserts new ones', async () => {
    const before = await orderRow(3);
    await erp.apply(
      [
        { id: 3, field: 'amountTotal', to: '4321.50' },
        { id: 3, field: 'state', to: 'done' },
        { id: 4, field: 'currency', to: 'USD' },
      ],
      [newOrder(121, TODAY, seededRandom(3))],
    );
    const { rows } = await sql.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM sale_order_line WHERE order_id = 121`,
    );
    expect(rows[0].count).toBeGreaterThan(0);

    expect(await orderRow(3)).toMatchObject({ amount_total: '4321.50', state: 'done' });
    expect((await orderRow(3)).write_date > before.write_date).toBe(true);
    expect(await orderRow(4)).toMatchObject({ currency: 'USD' });
    expect(await erp.nextOrderNumber()).toBe(122);
  });

  it('tells broken orders apart from the sample it offers for editing', async () => {
    await erp.apply(
      [
        { id: 10, field: 'state', to: BROKEN_STATE },
        { id: 11, field: 'currency', to: BROKEN_CURRENCY },
      ],
      [],
    );

    const broken = await erp.brokenOrders();
    const sample = await erp.sampleOrders(200);

    expect(broken.map((order) => order.id)).toEqual([10, 11]);
    expect(broken[0].ageSeconds).toBeGreaterThanOrEqual(0);
    expect(sample.map((order) => order.id)).not.toEqual(expect.arrayContaining([10]));
    expect(sample.map((order) => order.id)).not.toEqual(expect.arrayContaining([11]));
    expect(sample).toHaveLength(119);
  });

  it('leaves nothing half done when an edit fails', async () => {
    const before = await orderRow(20);

    await expect(
      erp.apply(
        [
          { id: 20, field: 'state', to: 'done' },
          { id: 21, field: 'amountTotal', to: 'not a number' },
        ],
        [],
      ),
    ).rejects.toThrow();
    expect(await orderRow(20)).toEqual(before);
  });

  describe(DemoChanger.name, () => {
    it('writes what it decided and says so in one log line', async () => {
      const logs = new LogCapture();
      const changer = new DemoChanger(erp, pino({ base: null }, logs), {
        random: seededRandom(11),
        now: () => new Date(`${TODAY}T12:00:00Z`),
      });
      const countBefore = await erp.countOrders();

      const changes = await changer.changeOnce();

      expect(changes.length).toBeGreaterThan(0);
      for (const edit of changes.filter((change): change is OrderEdit => change.kind === 'edit')) {
        const row = await orderRow(edit.order.id);
        const field = { state: 'state', amountTotal: 'amount_total', currency: 'currency' } as const;
        expect(row[field[edit.field]]).toBe(edit.to);
      }
      expect(await erp.countOrders()).toBe(
        countBefore + changes.filter((change) => change.kind === 'insert').length,
      );
      expect(logs.lines).toHaveLength(1);
      expect(logs.text).toContain('ERP edited: ');
    });

    it('keeps one round scheduled while running and none once stopped', async () => {
      jest.useFakeTimers();
      try {
        const changer = new DemoChanger(erp, pino({ level: 'silent' }), { everyMs: 20_000 });
        const others = jest.getTimerCount();
        changer.start();
        const scheduled = jest.getTimerCount() - others;

        await changer.stop();

        expect(scheduled).toBe(1);
        expect(jest.getTimerCount() - others).toBe(0);
      } finally {
        jest.useRealTimers();
      }
    });
  });
});

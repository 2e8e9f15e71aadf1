import pg from 'pg';
import { createTestDatabase, testPool, type TestDatabase } from '../../support/database.js';

export const STATES = ['draft', 'sent', 'sale', 'done', 'cancel'] as const;

/** The mapping the engine specs sync: an Odoo-like `sale_order` table to deals. */
export const ORDERS_MAPPING = (
  overrides: {
    name?: string;
    maxDeletes?: number;
    pageSize?: number;
    retry?: { maxAttempts: number; backoff: string };
  } = {},
) => `
mappings:
  - name: ${overrides.name ?? 'orders'}
    source:
      table: sale_order
      key: id
      cursor: write_date
      lookback: 1m
      pageSize: ${overrides.pageSize ?? 1000}
    target: { originatorId: erp-test, categoryId: 0 }
    fields:
      TITLE: { template: "{{name}} {{partner_name}}", maxLength: 255 }
      OPPORTUNITY: { column: amount_total, type: money }
      CURRENCY_ID: { column: currency }
      STAGE_ID:
        column: state
        map: { draft: NEW, sent: PREPARATION, sale: EXECUTING, done: WON, cancel: LOSE }
      BEGINDATE: { column: date_order, type: date }
      COMMENTS: { column: note, ownership: fillEmpty }
    delete: { policy: close, stage: LOSE, maxPerRun: ${overrides.maxDeletes ?? 100} }
${overrides.retry ? `    retry: { maxAttempts: ${overrides.retry.maxAttempts}, backoff: ${overrides.retry.backoff} }\n` : ''}`;

/** An ERP database of its own with `rows` generated orders. */
export class ErpOrders {
  private constructor(
    readonly database: TestDatabase,
    private readonly pool: pg.Pool,
  ) {}

  static async create(rows: number): Promise<ErpOrders> {
    const database = await createTestDatabase('erp');
    const pool = testPool(database.url);
    await pool.query(`
      CREATE TABLE sale_order (
        id serial PRIMARY KEY,
        name text NOT NULL,
        state text NOT NULL,
        amount_total numeric(12, 2) NOT NULL,
        date_order date NOT NULL,
        write_date timestamp(6) NOT NULL DEFAULT clock_timestamp(),
        note text,
        partner_name text NOT NULL,
        currency text NOT NULL
      )`);
    const orders = new ErpOrders(database, pool);
    await orders.insert(rows);
    return orders;
  }

  get url(): string {
    return this.database.url;
  }

  async insert(rows: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO sale_order (name, state, amount_total, date_order, note, partner_name, currency)
       SELECT 'SO' || lpad(n::text, 6, '0'), (ARRAY['draft','sent','sale','done','cancel'])[1 + n % 5],
              round((n * 37.5 % 100000)::numeric, 2), date '2026-01-01' + (n % 300), NULL,
              'Partner ' || (n % 97), (ARRAY['RUB','USD','EUR'])[1 + n % 3]
         FROM generate_series(1, $1::int) AS n`,
      [rows],
    );
  }

  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(sql, params)).rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.database.drop();
  }
}

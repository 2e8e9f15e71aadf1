import pg from 'pg';
import { Secret } from '../config/secret.js';
import {
  BROKEN_CURRENCY,
  BROKEN_STATE,
  type BrokenOrder,
  type EditedField,
  type SampledOrder,
} from './demo-changes.js';
import { DEMO_CURRENCIES, DEMO_PARTNERS, type DemoOrder } from './demo-orders.js';

export const DEMO_ERP_DATABASE = 'demo_erp';

const DUPLICATE_DATABASE = '42P04';

/**
 * Customers' e-mail and the order lines (the graph: companies, deals, product rows). Idempotent, so a demo
 * database made by an earlier version gains them on its next start.
 */
const GRAPH_SCHEMA = `
  ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS email text;
  ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS write_date timestamp(6) NOT NULL
    DEFAULT (clock_timestamp() AT TIME ZONE 'UTC');
  UPDATE res_partner SET email = lower(regexp_replace(name, '[^A-Za-z0-9]+', '.', 'g')) || '@example.com'
   WHERE email IS NULL;
  CREATE TABLE IF NOT EXISTS sale_order_line (
    id serial PRIMARY KEY,
    order_id integer NOT NULL,
    sequence integer NOT NULL,
    name text NOT NULL,
    product_uom_qty numeric(12, 3) NOT NULL,
    price_unit numeric(12, 2) NOT NULL,
    discount numeric(5, 2)
  );
  CREATE INDEX IF NOT EXISTS sale_order_line_order ON sale_order_line (order_id);`;

/** 1–3 lines for each order that has none: deterministic from the order, priced to a share of its total. */
const ADD_MISSING_LINES = `
  INSERT INTO sale_order_line (order_id, sequence, name, product_uom_qty, price_unit, discount)
  SELECT o.id, 10 * l, (ARRAY['Consulting hours', 'Office chair', 'Desk lamp', 'Laptop stand', 'Support plan'])[1 + (o.id + l) % 5],
         l, round(o.amount_total / ((1 + o.id % 3) * l), 2), CASE WHEN l = 2 THEN 5 END
    FROM sale_order o CROSS JOIN LATERAL generate_series(1, 1 + o.id % 3) AS l
   WHERE NOT EXISTS (SELECT 1 FROM sale_order_line x WHERE x.order_id = o.id)`;

const SCHEMA = `
  CREATE TABLE res_currency (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
  CREATE TABLE res_partner (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
  CREATE TABLE sale_order (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    partner_id integer NOT NULL REFERENCES res_partner (id),
    state text NOT NULL,
    amount_total numeric(12, 2) NOT NULL,
    currency_id integer NOT NULL REFERENCES res_currency (id),
    date_order date NOT NULL,
    note text,
    write_date timestamp(6) NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC')
  );
  CREATE INDEX sale_order_write_date ON sale_order (write_date, id);`;

const ORDER_FIELDS = `o.id, o.name, o.state, o.amount_total::text AS "amountTotal", c.name AS currency`;
const FROM_ORDERS = 'FROM sale_order o JOIN res_currency c ON c.id = o.currency_id';

const SET_FIELD: Readonly<Record<EditedField, string>> = {
  state: 'state = $2',
  amountTotal: 'amount_total = $2::numeric',
  currency: 'currency_id = (SELECT id FROM res_currency WHERE name = $2)',
};

/** The URL of another database on the same server, with the same credentials. */
export function siblingDatabaseUrl(url: Secret, database: string): Secret {
  const sibling = new URL(url.reveal());
  sibling.pathname = `/${encodeURIComponent(database)}`;
  return new Secret(sibling.toString());
}

/**
 * The demo's ERP: an Odoo-like `sale_order` with its lines, partners (with e-mail) and currencies, in a database of its own on
 * the state database's server. Created and seeded on first start, kept afterwards.
 */
export class DemoErpDatabase {
  private constructor(
    readonly url: Secret,
    private readonly pool: pg.Pool,
  ) {}

  /** Creates the database when missing; `seed` gives the first orders when the schema is new. */
  static async open(
    serverUrl: Secret,
    seed: () => DemoOrder[],
    database = DEMO_ERP_DATABASE,
  ): Promise<{ erp: DemoErpDatabase; seeded: boolean }> {
    await createDatabase(serverUrl, database);
    const url = siblingDatabaseUrl(serverUrl, database);
    const pool = new pg.Pool({ connectionString: url.reveal(), max: 2 });
    // pool.end() resolves before its connections are closed; the server stopping right after must not crash us.
    pool.on('error', () => undefined);
    const erp = new DemoErpDatabase(url, pool);
    try {
      return { erp, seeded: await erp.createSchema(seed) };
    } catch (error) {
      await erp.close();
      throw error;
    }
  }

  async countOrders(): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM sale_order',
    );
    return rows[0].count;
  }

  /** Up to `limit` random orders that are not broken. */
  async sampleOrders(limit: number): Promise<SampledOrder[]> {
    const { rows } = await this.pool.query<SampledOrder>(
      `SELECT ${ORDER_FIELDS} ${FROM_ORDERS} WHERE o.state <> $1 AND c.name <> $2 ORDER BY random() LIMIT $3`,
      [BROKEN_STATE, BROKEN_CURRENCY, limit],
    );
    return rows;
  }

  async brokenOrders(): Promise<BrokenOrder[]> {
    const { rows } = await this.pool.query<BrokenOrder>(
      `SELECT ${ORDER_FIELDS},
              extract(epoch FROM (clock_timestamp() AT TIME ZONE 'UTC') - o.write_date)::int AS "ageSeconds"
         ${FROM_ORDERS}
        WHERE o.state = $1 OR c.name = $2 ORDER BY o.write_date, o.id`,
      [BROKEN_STATE, BROKEN_CURRENCY],
    );
    return rows;
  }

  /** The number after the highest `SOnnnnn`. */
  async nextOrderNumber(): Promise<number> {
    const { rows } = await this.pool.query<{ last: number }>(
      `SELECT coalesce(max(substring(name FROM 3)::int), 0) AS last FROM sale_order WHERE name ~ '^SO[0-9]+$'`,
    );
    return rows[0].last + 1;
  }

  /** Applies edits and inserts in one transaction; every edited row gets a new write_date (the cursor). */
  async apply(
    edits: readonly { id: number; field: EditedField; to: string }[],
    inserts: readonly DemoOrder[],
  ): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const edit of edits) {
        await client.query(
          `UPDATE sale_order SET ${SET_FIELD[edit.field]}, write_date = clock_timestamp() AT TIME ZONE 'UTC' WHERE id = $1`,
          [edit.id, edit.to],
        );
      }
      await insertOrders(client, inserts);
      await client.query(ADD_MISSING_LINES);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** One transaction: a crash while seeding leaves no half-made schema behind. */
  private async createSchema(seed: () => DemoOrder[]): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ table: string | null }>(
        `SELECT to_regclass('sale_order')::text AS table`,
      );
      if (rows[0].table !== null) {
        await client.query(GRAPH_SCHEMA);
        await client.query(ADD_MISSING_LINES);
        await client.query('COMMIT');
        return false;
      }
      await client.query(SCHEMA);
      await client.query('INSERT INTO res_currency (name) SELECT unnest($1::text[])', [
        [...DEMO_CURRENCIES, BROKEN_CURRENCY],
      ]);
      await client.query('INSERT INTO res_partner (name) SELECT unnest($1::text[])', [[...DEMO_PARTNERS]]);
      await client.query(GRAPH_SCHEMA);
      await insertOrders(client, seed());
      await client.query(ADD_MISSING_LINES);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

async function insertOrders(client: pg.PoolClient, orders: readonly DemoOrder[]): Promise<void> {
  if (orders.length === 0) {
    return;
  }
  const column = <K extends keyof DemoOrder>(key: K) => orders.map((order) => order[key]);
  await client.query(
    `INSERT INTO sale_order (name, partner_id, state, amount_total, currency_id, date_order, note)
     SELECT o.name, p.id, o.state, o.amount::numeric, c.id, o.date_order::date, o.note
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            WITH ORDINALITY AS o (name, partner, state, amount, currency, date_order, note, n)
       JOIN res_partner p ON p.name = o.partner
       JOIN res_currency c ON c.name = o.currency
      ORDER BY o.n`,
    [
      column('name'),
      column('partner'),
      column('state'),
      column('amountTotal'),
      column('currency'),
      column('dateOrder'),
      column('note'),
    ],
  );
}

async function createDatabase(serverUrl: Secret, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl.reveal() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${database}"`);
    }
  } catch (error) {
    if ((error as { code?: string }).code !== DUPLICATE_DATABASE) {
      throw new Error(`Demo mode could not create the database ${database}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  } finally {
    await client.end();
  }
}

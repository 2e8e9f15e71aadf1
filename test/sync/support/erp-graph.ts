import type { ErpOrders } from './erp-orders.js';

/*
 * The order as a graph (DESIGN §6b): Odoo-like customers (`res_partner`) synced as companies, and the fixture's
 * orders (`sale_order`) linked to them by `partner_id`.
 */

/** A company mapping over the fixture's `res_partner` (Odoo-like customers), with e-mail and phone multi-fields. */
export const CUSTOMERS_MAPPING = (
  overrides: { name?: string; deletePolicy?: 'ignore' | 'delete'; email?: string; backoff?: string } = {},
) => `
  - name: ${overrides.name ?? 'customers'}
    entity: company
    source:
      table: res_partner
      key: id
      cursor: write_date
      lookback: 1m
    target: { originatorId: erp-test }
    fields:
      TITLE: { column: name, maxLength: 255 }
      EMAIL: { column: email, type: multi, valueType: ${overrides.email ?? 'WORK'} }
      PHONE: { column: phone, type: multi, valueType: WORK }
      COMMENTS: { column: comment, ownership: fillEmpty }
    delete: { policy: ${overrides.deletePolicy ?? 'ignore'}, maxPerRun: 10 }
    retry: { maxAttempts: 5, backoff: ${overrides.backoff ?? '1m'} }
`;

/** A deal mapping over `sale_order` whose deals link to the customers mapping's companies. */
export const LINKED_ORDERS_MAPPING = (overrides: { backoff?: string } = {}) => `
  - name: orders
    source:
      table: sale_order
      key: id
      cursor: write_date
      lookback: 1m
    target: { originatorId: erp-test }
    fields:
      TITLE: { column: name }
      OPPORTUNITY: { column: amount_total, type: money }
      CURRENCY_ID: { column: currency }
      COMPANY_ID: { link: customers, column: partner_id }
    retry: { maxAttempts: 5, backoff: ${overrides.backoff ?? '1m'} }
`;

/**
 * Links the fixture's orders to customers: `sale_order.partner_id` (order n → customer 1 + n % customers, every
 * 25th order without one), then adds `orders` more orders.
 */
export async function addLinkedOrders(erp: ErpOrders, orders: number, customers: number): Promise<void> {
  await erp.query(`ALTER TABLE sale_order ADD COLUMN partner_id integer`);
  await erp.insert(orders);
  await erp.query(
    `UPDATE sale_order SET partner_id = CASE WHEN id % 97 = 0 THEN NULL ELSE 1 + id % $1::int END`,
    [customers],
  );
}

/** Adds `res_partner` with `count` customers to the fixture's ERP database. */
export async function addCustomers(erp: ErpOrders, count: number): Promise<void> {
  await erp.query(`
    CREATE TABLE res_partner (
      id serial PRIMARY KEY,
      name text NOT NULL,
      email text,
      phone text,
      comment text,
      write_date timestamp(6) NOT NULL DEFAULT clock_timestamp()
    )`);
  await erp.query(
    `INSERT INTO res_partner (name, email, phone)
     SELECT 'Customer ' || n, CASE WHEN n % 10 = 0 THEN NULL ELSE 'buyer' || n || '@example.com' END,
            '+7 900 ' || lpad(n::text, 7, '0')
       FROM generate_series(1, $1::int) AS n`,
    [count],
  );
}

/** Deals with their product rows from `sale_order_line` (Odoo-like: per-unit price after the line's discount). */
export const ORDERS_WITH_LINES_MAPPING = (
  overrides: { linkCustomers?: boolean; name?: string; customers?: string; linesCursor?: boolean } = {},
) => `
  - name: ${overrides.name ?? 'orders'}
    source:
      table: sale_order
      key: id
      cursor: write_date
      lookback: 1m
    target: { originatorId: erp-test }
    fields:
      TITLE: { column: name }
      CURRENCY_ID: { column: currency }
${overrides.linkCustomers ? `      COMPANY_ID: { link: ${overrides.customers ?? 'customers'}, column: partner_id }\n` : ''}    productRows:
      query: |
        SELECT order_id, id, sequence, name, product_uom_qty, coalesce(discount, 0) AS discount,
               price_unit * (1 - coalesce(discount, 0) / 100) AS unit_price, write_date
          FROM sale_order_line
      parent: order_id
      order: [sequence, id]
${overrides.linesCursor ? '      cursor: write_date\n' : ''}      fields:
        PRODUCT_NAME: { column: name, maxLength: 255 }
        PRICE: { column: unit_price, type: money }
        QUANTITY: { column: product_uom_qty, type: decimal }
        DISCOUNT_TYPE_ID: { value: 2 }
        DISCOUNT_RATE: { column: discount, type: decimal }
`;

/** `sale_order_line`: 1–`maxLines` lines per existing order, in `sequence` order, some with a discount. */
export async function addOrderLines(erp: ErpOrders, maxLines = 4): Promise<void> {
  await erp.query(`
    CREATE TABLE sale_order_line (
      id serial PRIMARY KEY,
      order_id integer NOT NULL,
      sequence integer NOT NULL,
      name text NOT NULL,
      product_uom_qty numeric(12, 3) NOT NULL,
      price_unit numeric(12, 2) NOT NULL,
      discount numeric(5, 2),
      write_date timestamp(6) NOT NULL DEFAULT clock_timestamp()
    )`);
  await erp.query(
    `INSERT INTO sale_order_line (order_id, sequence, name, product_uom_qty, price_unit, discount)
     SELECT o.id, 10 * l, 'Product ' || ((o.id * 7 + l) % 50), 1 + (o.id + l) % 5 + 0.5 * (l % 2),
            round(((o.id * 13 + l * 17) % 1000 + 0.99)::numeric, 2), CASE WHEN l = 2 THEN 12.5 END
       FROM sale_order o CROSS JOIN LATERAL generate_series(1, 1 + o.id % $1::int) AS l`,
    [maxLines],
  );
}

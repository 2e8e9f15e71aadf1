import type { ErpOrders } from './erp-orders.js';

/** A company mapping over the fixture's `res_partner` (Odoo-like customers), with e-mail and phone multi-fields. */
export const CUSTOMERS_MAPPING = (
  overrides: { name?: string; deletePolicy?: 'ignore' | 'delete'; email?: string } = {},
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
`;

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

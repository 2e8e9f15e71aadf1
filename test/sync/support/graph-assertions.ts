import type { SyncRun } from '../../../src/persistence/entities/sync-run.entity.js';
import type { SyncHarness } from './sync-harness.js';

/** The run, and the writes the portal applied during it by method (methods with none left out). */
export async function writesDuring(
  harness: SyncHarness,
  step: () => Promise<SyncRun>,
): Promise<{ run: SyncRun; delta: Record<string, number> }> {
  const before = harness.emulator.stats().writesByMethod;
  const run = await step();
  const delta: Record<string, number> = {};
  for (const [method, count] of Object.entries(harness.emulator.stats().writesByMethod)) {
    if (count !== (before[method] ?? 0)) {
      delta[method] = count - (before[method] ?? 0);
    }
  }
  return { run, delta };
}

/** Orders whose deal's COMPANY_ID is not the company its customer became (none when the order has no customer). */
export async function wrongCompanyLinks(harness: SyncHarness): Promise<number[]> {
  const companyOf = new Map(harness.emulator.companies().map((company) => [company.ORIGIN_ID, company.ID]));
  const orders = await harness.erp.query<{ id: number; partner_id: number | null }>(
    `SELECT id, partner_id FROM sale_order`,
  );
  const deals = new Map(harness.emulator.deals().map((deal) => [deal.ORIGIN_ID, deal]));
  return orders
    .filter((order) => {
      const expected = order.partner_id === null ? null : (companyOf.get(String(order.partner_id)) ?? 'none');
      const deal = deals.get(String(order.id));
      const actual = deal === undefined ? 'no deal' : deal.COMPANY_ID;
      return (actual === '0' || actual === '' ? null : actual) !== expected;
    })
    .map((order) => order.id);
}

/** Orders whose deal's product rows differ from the ERP's lines (name, unit price, quantity, discount, order). */
export async function productRowMismatches(harness: SyncHarness): Promise<string[]> {
  const lines = await harness.erp.query<{
    order_id: number;
    name: string;
    quantity: string;
    discount: string;
    unit_price: string;
  }>(
    `SELECT order_id, name, product_uom_qty::text AS quantity, coalesce(discount, 0)::text AS discount,
            round(price_unit * (1 - coalesce(discount, 0) / 100), 2)::text AS unit_price
       FROM sale_order_line ORDER BY order_id, sequence, id`,
  );
  const expected = new Map<string, string[]>();
  for (const line of lines) {
    const list = expected.get(String(line.order_id)) ?? [];
    list.push(rowText(line.name, line.unit_price, line.quantity, line.discount));
    expected.set(String(line.order_id), list);
  }
  return harness.emulator
    .deals()
    .filter((deal) => {
      const actual = harness.emulator
        .productRows(Number(deal.ID))
        .map((row) => rowText(row.PRODUCT_NAME, row.PRICE, row.QUANTITY, row.DISCOUNT_RATE));
      return JSON.stringify(actual) !== JSON.stringify(expected.get(String(deal.ORIGIN_ID)) ?? []);
    })
    .map((deal) => String(deal.ORIGIN_ID));
}

function rowText(name: unknown, price: unknown, quantity: unknown, discount: unknown): string {
  return `${String(name)}|${Number(price)}|${Number(quantity)}|${Number(discount)}`;
}

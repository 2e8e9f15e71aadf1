import { describe, expect, it } from '@jest/globals';
import type { ErpRow } from '../erp/erp-row.js';
import { compileMapping } from '../sync/mapping/mapping-compiler.js';
import { mapRow } from '../sync/mapping/deal-mapping.js';
import { BROKEN_CURRENCY, BROKEN_STATE } from './demo-changes.js';
import { DEMO_CUSTOMERS_MAPPING_NAME, DEMO_MAPPING_NAME, demoMappings } from './demo-mapping.js';
import { generateOrders, type DemoOrder } from './demo-orders.js';
import { seededRandom } from './demo-random.js';

function rowOf(id: number, order: DemoOrder): ErpRow {
  return {
    key: [String(id)],
    erpKey: String(id),
    cursor: '2026-11-28 10:00:00.000000',
    values: {
      id,
      name: order.name,
      state: order.state,
      amount_total: order.amountTotal,
      date_order: order.dateOrder,
      write_date: '2026-11-28 10:00:00.000000',
      note: order.note,
      partner_id: 7,
      partner_name: order.partner,
      currency: order.currency,
    },
  };
}

describe(demoMappings.name, () => {
  const [mapping] = demoMappings();
  const compiled = compileMapping(mapping, 0);
  const orders = generateOrders(100, 1, '2026-11-28', seededRandom(5));
  /** Every order's customer synced as company 7; no lines. */
  const related = {
    parents: new Map([[DEMO_CUSTOMERS_MAPPING_NAME, new Map([['7', { id: 7 }]])]]),
    lines: new Map(),
  };

  it('is the orders mapping and the customers it links to, each synced every minute by write_date', () => {
    expect(demoMappings().map((candidate) => [candidate.name, candidate.entity])).toEqual([
      [DEMO_MAPPING_NAME, 'deal'],
      [DEMO_CUSTOMERS_MAPPING_NAME, 'company'],
    ]);
    expect(mapping).toMatchObject({
      name: DEMO_MAPPING_NAME,
      enabled: true,
      schedule: '* * * * *',
      source: { key: ['id'], cursor: 'write_date' },
    });
  });

  it('is frozen like the rest of the config', () => {
    expect(Object.isFrozen(mapping)).toBe(true);
    expect(Object.isFrozen(mapping.fields.STAGE_ID)).toBe(true);
  });

  it('maps every generated order to a deal', () => {
    for (const [index, order] of orders.entries()) {
      const result = mapRow(compiled, rowOf(index + 1, order), related);

      expect(result).toMatchObject({
        ok: true,
        payload: { ORIGIN_ID: String(index + 1), UF_CRM_ERP_NUMBER: order.name },
      });
    }
  });

  it('fails a row whose state the mapping does not know, naming the field and the value', () => {
    const result = mapRow(compiled, rowOf(1, { ...orders[0], state: BROKEN_STATE }), related);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toContain(`"${BROKEN_STATE}"`);
    expect(result.ok ? '' : result.error.message).toContain('STAGE_ID');
  });

  it('passes an unknown currency on to Bitrix24, which is the one to reject it', () => {
    const result = mapRow(compiled, rowOf(1, { ...orders[0], currency: BROKEN_CURRENCY }), related);

    expect(result).toMatchObject({ ok: true, payload: { CURRENCY_ID: BROKEN_CURRENCY } });
  });
});

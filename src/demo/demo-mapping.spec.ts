import { describe, expect, it } from '@jest/globals';
import type { ErpRow } from '../erp/erp-row.js';
import { compileMapping } from '../sync/mapping/mapping-compiler.js';
import { mapRow } from '../sync/mapping/deal-mapping.js';
import { BROKEN_CURRENCY, BROKEN_STATE } from './demo-changes.js';
import { DEMO_MAPPING_NAME, demoMappings } from './demo-mapping.js';
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
      partner_name: order.partner,
      currency: order.currency,
    },
  };
}

describe(demoMappings.name, () => {
  const [mapping] = demoMappings();
  const compiled = compileMapping(mapping, 0);
  const orders = generateOrders(100, 1, '2026-11-28', seededRandom(5));

  it('is one mapping synced every minute, incrementally by write_date', () => {
    expect(demoMappings()).toHaveLength(1);
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
      const result = mapRow(compiled, rowOf(index + 1, order));

      expect(result).toMatchObject({
        ok: true,
        payload: { ORIGIN_ID: String(index + 1), UF_CRM_ERP_NUMBER: order.name },
      });
    }
  });

  it('fails a row whose state the mapping does not know, naming the field and the value', () => {
    const result = mapRow(compiled, rowOf(1, { ...orders[0], state: BROKEN_STATE }));

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toContain(`"${BROKEN_STATE}"`);
    expect(result.ok ? '' : result.error.message).toContain('STAGE_ID');
  });

  it('passes an unknown currency on to Bitrix24, which is the one to reject it', () => {
    const result = mapRow(compiled, rowOf(1, { ...orders[0], currency: BROKEN_CURRENCY }));

    expect(result).toMatchObject({ ok: true, payload: { CURRENCY_ID: BROKEN_CURRENCY } });
  });
});

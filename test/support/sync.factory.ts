import { parse } from 'yaml';
import { mappingSchema, syncFileSchema, type MappingConfig } from '../../src/config/mapping.schema.js';
import type { ErpRow, ErpValue } from '../../src/erp/erp-row.js';
import type { DealLinkState } from '../../src/sync/plan/deal-change.js';

/** The mapping of DESIGN §6, verbatim. */
export const DESIGN_EXAMPLE_YAML = `
mappings:
  - name: odoo-orders
    schedule: "*/5 * * * *"            # incremental runs
    fullSweep: "0 3 * * *"             # optional: full key sweep (deletes, missed updates)
    source:
      query: |                         # or \`table: sale_order\`
        SELECT o.id, o.name, o.state, o.amount_total, o.date_order, o.write_date,
               o.note, p.name AS partner_name, c.name AS currency
        FROM sale_order o
        JOIN res_partner p ON p.id = o.partner_id
        JOIN res_currency c ON c.id = o.currency_id
      key: id                          # or a list of columns
      cursor: write_date               # optional; without it every run is a full sweep
      lookback: 10m
      timezone: UTC                    # how to read timestamps without a zone
    target:
      originatorId: odoo               # written to ORIGINATOR_ID; ORIGIN_ID = the key
      categoryId: 0
    fields:
      TITLE: { template: "{{name}} {{partner_name}}", maxLength: 255 }
      OPPORTUNITY: { column: amount_total, type: money }
      CURRENCY_ID: { column: currency }
      STAGE_ID:
        column: state
        map: { draft: NEW, sent: PREPARATION, sale: EXECUTING, done: WON, cancel: LOSE }
      BEGINDATE: { column: date_order, type: date, timezone: Europe/Moscow }
      COMMENTS: { column: note, ownership: fillEmpty }
      UF_CRM_ERP_NUMBER: { column: name }
    delete: { policy: close, stage: LOSE, maxPerRun: 100 }
`;

export function designMapping(): MappingConfig {
  return syncFileSchema.parse(parse(DESIGN_EXAMPLE_YAML)).mappings[0];
}

/** A mapping with the given fields (raw YAML shape, defaults applied by the schema). */
export function mappingWith(
  fields: Record<string, Record<string, unknown>>,
  overrides: Record<string, unknown> = {},
): MappingConfig {
  return mappingSchema.parse({
    name: 'orders',
    source: { table: 'orders', key: 'id', timezone: 'UTC' },
    target: { originatorId: 'erp', categoryId: 0 },
    fields,
    ...overrides,
  });
}

/** A sale order as PostgreSQL returns it for the DESIGN §6 query. */
export function odooRow(values: Record<string, ErpValue> = {}, id = '42'): ErpRow {
  return erpRow(
    {
      id: Number(id),
      name: `S000${id}`,
      state: 'sale',
      amount_total: '1234.5',
      date_order: '2024-03-01 22:30:00',
      write_date: '2024-03-02 08:00:00.123456',
      note: '<p>Deliver by Friday</p>',
      partner_name: 'Azure Interior',
      currency: 'EUR',
      ...values,
    },
    id,
  );
}

export function erpRow(values: Record<string, ErpValue>, key = '42'): ErpRow {
  return { key: [key], erpKey: key, cursor: null, values };
}

export function dealLink(overrides: Partial<DealLinkState> = {}): DealLinkState {
  return {
    dealId: 1001,
    payload: null,
    payloadHash: null,
    removed: false,
    failedAttempts: 0,
    retryAt: null,
    parked: false,
    lastError: null,
    ...overrides,
  };
}

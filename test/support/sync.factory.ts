import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { mappingSchema, syncFileSchema, type MappingConfig } from '../../src/config/mapping.schema.js';
import type { ErpRow, ErpValue } from '../../src/erp/erp-row.js';
import type { DealLinkState } from '../../src/sync/plan/deal-change.js';

/** The mapping of DESIGN §6, verbatim, as shipped in examples/ (it must keep working as written). */
export const DESIGN_EXAMPLE_YAML = readFileSync(
  new URL('../../examples/sync.config.yaml', import.meta.url),
  'utf8',
);

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

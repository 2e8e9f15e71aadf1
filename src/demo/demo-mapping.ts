import { parse } from 'yaml';
import { syncFileSchema, type MappingConfig } from '../config/mapping.schema.js';

export const DEMO_MAPPING_NAME = 'demo-orders';

/**
 * The demo's mapping file, written as a user would write theirs (the DESIGN §6 example, synced every
 * minute) and validated by the same schema. `on_hold` is missing from the STAGE_ID map on purpose.
 */
export const DEMO_MAPPING_YAML = `
mappings:
  - name: ${DEMO_MAPPING_NAME}
    schedule: "* * * * *"
    source:
      query: |
        SELECT o.id, o.name, o.state, o.amount_total, o.date_order, o.write_date,
               o.note, p.name AS partner_name, c.name AS currency
        FROM sale_order o
        JOIN res_partner p ON p.id = o.partner_id
        JOIN res_currency c ON c.id = o.currency_id
      key: id
      cursor: write_date
      lookback: 1m
      timezone: UTC
    target:
      originatorId: demo-erp
      categoryId: 0
    fields:
      TITLE: { template: "{{name}} {{partner_name}}", maxLength: 255 }
      OPPORTUNITY: { column: amount_total, type: money }
      CURRENCY_ID: { column: currency }
      STAGE_ID:
        column: state
        map: { draft: NEW, sent: PREPARATION, sale: EXECUTING, done: WON, cancel: LOSE }
      BEGINDATE: { column: date_order, type: date }
      COMMENTS: { column: note, ownership: fillEmpty }
      UF_CRM_ERP_NUMBER: { column: name }
    delete: { policy: close, stage: LOSE, maxPerRun: 100 }
`;

/** The demo mapping, parsed and validated like a user's mapping file; frozen like the rest of the config. */
export function demoMappings(): readonly MappingConfig[] {
  return deepFreeze(syncFileSchema.parse(parse(DEMO_MAPPING_YAML)).mappings);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

import { parse } from 'yaml';
import { syncFileSchema, type MappingConfig } from '../config/mapping.schema.js';

export const DEMO_MAPPING_NAME = 'demo-orders';
/** The demo's customers, synced as companies: the orders' deals link to them. */
export const DEMO_CUSTOMERS_MAPPING_NAME = 'demo-customers';

/**
 * The demo's mapping file, written as a user would write theirs (the DESIGN §6 and §6b examples, synced every
 * minute) and validated by the same schema: orders become deals linked to their customer's company, with the
 * order lines as product rows. `on_hold` is missing from the STAGE_ID map on purpose.
 */
export const DEMO_MAPPING_YAML = `
mappings:
  - name: ${DEMO_MAPPING_NAME}
    schedule: "* * * * *"
    source:
      query: |
        SELECT o.id, o.name, o.state, o.amount_total, o.date_order, o.write_date,
               o.note, o.partner_id, p.name AS partner_name, c.name AS currency
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
      IS_MANUAL_OPPORTUNITY: { value: "Y" }
      CURRENCY_ID: { column: currency }
      STAGE_ID:
        column: state
        map: { draft: NEW, sent: PREPARATION, sale: EXECUTING, done: WON, cancel: LOSE }
      BEGINDATE: { column: date_order, type: date }
      COMMENTS: { column: note, ownership: fillEmpty }
      UF_CRM_ERP_NUMBER: { column: name }
      COMPANY_ID: { link: ${DEMO_CUSTOMERS_MAPPING_NAME}, column: partner_id }
    productRows:
      query: |
        SELECT order_id, id, sequence, name, product_uom_qty, coalesce(discount, 0) AS discount,
               price_unit * (1 - coalesce(discount, 0) / 100) AS unit_price
        FROM sale_order_line
      parent: order_id
      order: [sequence, id]
      fields:
        PRODUCT_NAME: { column: name, maxLength: 255 }
        PRICE: { column: unit_price, type: money }
        QUANTITY: { column: product_uom_qty, type: decimal }
        DISCOUNT_TYPE_ID: { value: 2 }
        DISCOUNT_RATE: { column: discount, type: decimal }
    delete: { policy: close, stage: LOSE, maxPerRun: 100 }
  - name: ${DEMO_CUSTOMERS_MAPPING_NAME}
    entity: company
    schedule: "* * * * *"
    source:
      table: res_partner
      key: id
      cursor: write_date
      lookback: 1m
    target:
      originatorId: demo-erp
    fields:
      TITLE: { column: name, maxLength: 255 }
      EMAIL: { column: email, type: multi, valueType: WORK }
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

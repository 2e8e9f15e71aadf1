/**
 * A value as the ERP database gave it. Timestamps, dates and decimals stay the database's text
 * (never a JS Date or float): no precision, zone or rounding is lost before a converter sees them.
 */
export type ErpValue = string | number | boolean | null;

/** One row read from an ERP source. */
export interface ErpRow {
  /** The key columns' values as text, in `source.key` order. */
  readonly key: readonly string[];
  /** The key as one string: what ORIGIN_ID and deal_link.erp_key hold (see erp-key.ts). */
  readonly erpKey: string;
  /** The cursor column's value as the database printed it; null without a cursor (or a NULL cursor). */
  readonly cursor: string | null;
  /** Every selected column by name. */
  readonly values: Readonly<Record<string, ErpValue>>;
}

/** A row that cannot be synced, with a precise reason (column, value, rule). */
export interface RowError {
  readonly erpKey: string | null;
  readonly code: string;
  readonly message: string;
}

import type { ErpDialect } from '../config/config.types.js';

/** A column of a source's result, as the reader needs to page over it. */
export interface ErpColumn {
  readonly name: string;
  /** The engine's type name, for messages. */
  readonly typeName: string;
  /** The SQL type a bound text value is CAST to before it is compared with this column; null compares as text. */
  readonly castType: string | null;
  /** A date or timestamp: a lookback can be subtracted from it. */
  readonly temporal: boolean;
}

/** What differs between the engines when the reader writes SQL. Values are never part of the SQL text. */
export interface SqlDialect {
  readonly name: ErpDialect;
  quote(identifier: string): string;
  /** The placeholder of the 1-based `position`-th bound value. */
  placeholder(position: number): string;
  cast(placeholder: string, type: string | null): string;
  /** `expression` minus the lookback bound at `placeholder`, and how that bound value is written. */
  minusLookback(expression: string, placeholder: string): string;
  lookbackValue(milliseconds: number): string;
  /** PostgreSQL plans `(a, b) > (x, y)` as one index range; MySQL/MariaDB needs it spelled out. */
  readonly rowComparison: boolean;
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
  placeholder: (position) => `$${position}`,
  cast: (placeholder, type) => (type === null ? placeholder : `CAST(${placeholder} AS ${type})`),
  minusLookback: (expression, placeholder) => `${expression} - CAST(${placeholder} AS interval)`,
  lookbackValue: (milliseconds) => `${milliseconds} milliseconds`,
  rowComparison: true,
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  quote: (identifier) => `\`${identifier.replaceAll('`', '``')}\``,
  placeholder: () => '?',
  cast: (placeholder, type) => (type === null ? placeholder : `CAST(${placeholder} AS ${type})`),
  minusLookback: (expression, placeholder) => `${expression} - INTERVAL ${placeholder} MICROSECOND`,
  lookbackValue: (milliseconds) => String(milliseconds * 1000),
  rowComparison: false,
};

/** `name` or `schema.name` (a MySQL database counts as a schema); undefined for more than one dot. */
export function splitTableName(table: string): string[] | undefined {
  const parts = table.split('.');
  return parts.length <= 2 && parts.every((part) => part.length > 0) ? parts : undefined;
}

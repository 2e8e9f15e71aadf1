import type { SourceConfig } from '../config/config.types.js';
import { splitTableName, type ErpColumn, type SqlDialect } from './sql-dialect.js';

/** SQL text plus its bound values, in placeholder order. */
export interface ErpQuery {
  readonly sql: string;
  readonly params: readonly string[];
}

/** Where a keyset walk starts. */
export type PageStart =
  | { readonly kind: 'first' }
  /** Strictly after this position of the order columns (the previous page's last row). */
  | { readonly kind: 'after'; readonly values: readonly string[] }
  /** At or after `value − lookback` on the first order column (an incremental read's first page). */
  | { readonly kind: 'since'; readonly value: string; readonly lookbackMs: number };

export interface WalkQuerySpec {
  readonly source: Pick<SourceConfig, 'table' | 'query'>;
  /** The walk's order: the cursor then the key (incremental), or the key alone (sweep). */
  readonly order: readonly ErpColumn[];
  readonly start: PageStart;
}

const ALIAS = 'src';

/** Accumulates bound values; every use of a value gets a placeholder of its own. */
class Binder {
  readonly params: string[] = [];

  constructor(private readonly dialect: SqlDialect) {}

  bind(value: string, column: Pick<ErpColumn, 'castType'> | null): string {
    this.params.push(value);
    return this.dialect.cast(this.dialect.placeholder(this.params.length), column?.castType ?? null);
  }
}

function fromClause(dialect: SqlDialect, source: WalkQuerySpec['source']): string {
  if (source.table !== undefined) {
    const parts = splitTableName(source.table) ?? [source.table];
    return `${parts.map((part) => dialect.quote(part)).join('.')} AS ${dialect.quote(ALIAS)}`;
  }
  // The newlines end a trailing `--` comment; a trailing `;` would end the statement inside the parentheses.
  const query = (source.query ?? '').replace(/[\s;]+$/, '');
  return `(\n${query}\n) AS ${dialect.quote(ALIAS)}`;
}

function column(dialect: SqlDialect, name: string): string {
  return `${dialect.quote(ALIAS)}.${dialect.quote(name)}`;
}

function select(
  dialect: SqlDialect,
  spec: { source: WalkQuerySpec['source'] },
  where: string[],
  tail: string,
): string {
  const lines = [`SELECT * FROM ${fromClause(dialect, spec.source)}`];
  if (where.length > 0) {
    lines.push(`WHERE ${where.join('\n  AND ')}`);
  }
  return [...lines, tail].filter((line) => line !== '').join('\n');
}

/** An empty result carrying the source's columns and their types. */
export function buildProbeQuery(dialect: SqlDialect, source: WalkQuerySpec['source']): string {
  return select(dialect, { source }, [], 'LIMIT 0');
}

/** `(c1, c2, …) > (v1, v2, …)`, expanded for engines that do not plan row comparisons as a range. */
function after(
  dialect: SqlDialect,
  binder: Binder,
  columns: readonly ErpColumn[],
  values: readonly string[],
): string {
  if (dialect.rowComparison) {
    const left = columns.map((c) => column(dialect, c.name)).join(', ');
    const right = columns.map((c, index) => binder.bind(values[index], c)).join(', ');
    return `(${left}) > (${right})`;
  }
  const [first] = columns;
  const greater = (index: number): string => {
    const name = column(dialect, columns[index].name);
    const strictly = `${name} > ${binder.bind(values[index], columns[index])}`;
    if (index === columns.length - 1) {
      return strictly;
    }
    return `(${strictly} OR (${name} = ${binder.bind(values[index], columns[index])} AND ${greater(index + 1)}))`;
  };
  return `${column(dialect, first.name)} >= ${binder.bind(values[0], first)} AND ${greater(0)}`;
}

function since(
  dialect: SqlDialect,
  binder: Binder,
  cursor: ErpColumn,
  value: string,
  lookbackMs: number,
): string {
  const bound = binder.bind(value, cursor);
  if (lookbackMs === 0) {
    return `${column(dialect, cursor.name)} >= ${bound}`;
  }
  binder.params.push(dialect.lookbackValue(lookbackMs));
  const lookback = dialect.placeholder(binder.params.length);
  return `${column(dialect, cursor.name)} >= ${dialect.minusLookback(bound, lookback)}`;
}

/**
 * A whole keyset walk as one statement: every row past `start` in `order`, none with a NULL order column. Read
 * through a cursor or a stream, never with a LIMIT per page: the ERP runs (and sorts) the source once per walk.
 * The order stays the keyset's, so a walk cut by a dropped connection resumes `after` its last delivered row.
 */
export function buildWalkQuery(dialect: SqlDialect, spec: WalkQuerySpec): ErpQuery {
  const binder = new Binder(dialect);
  const where = spec.order.map((c) => `${column(dialect, c.name)} IS NOT NULL`);
  switch (spec.start.kind) {
    case 'first':
      break;
    case 'after':
      where.push(after(dialect, binder, spec.order, spec.start.values));
      break;
    case 'since':
      where.push(since(dialect, binder, spec.order[0], spec.start.value, spec.start.lookbackMs));
      break;
  }
  const orderBy = spec.order.map((c) => column(dialect, c.name)).join(', ');
  return { sql: select(dialect, spec, where, `ORDER BY ${orderBy}`), params: binder.params };
}

export interface NullKeyQuerySpec {
  readonly source: WalkQuerySpec['source'];
  readonly key: readonly ErpColumn[];
  /** Only rows whose cursor is in an incremental read's window. */
  readonly since?: { readonly cursor: ErpColumn; readonly value: string; readonly lookbackMs: number };
  readonly limit: number;
}

/** Rows that keyset paging cannot reach because a key column is NULL. */
export function buildNullKeyQuery(dialect: SqlDialect, spec: NullKeyQuerySpec): ErpQuery {
  const binder = new Binder(dialect);
  const where = [`(${spec.key.map((c) => `${column(dialect, c.name)} IS NULL`).join(' OR ')})`];
  if (spec.since !== undefined) {
    where.push(since(dialect, binder, spec.since.cursor, spec.since.value, spec.since.lookbackMs));
  }
  return { sql: select(dialect, spec, where, `LIMIT ${integer(spec.limit)}`), params: binder.params };
}

export interface KeysQuerySpec {
  readonly source: WalkQuerySpec['source'];
  readonly key: readonly ErpColumn[];
  readonly keys: readonly (readonly string[])[];
  /** Columns ordering the rows after the key (a deal's product rows by sequence). */
  readonly order?: readonly ErpColumn[];
}

/** The rows with these keys, in key order. */
export function buildKeysQuery(dialect: SqlDialect, spec: KeysQuerySpec): ErpQuery {
  const binder = new Binder(dialect);
  const bindKey = (values: readonly string[]): string => {
    const bound = spec.key.map((c, index) => binder.bind(values[index], c));
    return bound.length === 1 ? bound[0] : `(${bound.join(', ')})`;
  };
  const names = spec.key.map((c) => column(dialect, c.name));
  const left = names.length === 1 ? names[0] : `(${names.join(', ')})`;
  const where = [`${left} IN (${spec.keys.map(bindKey).join(', ')})`];
  const order = [...names, ...(spec.order ?? []).map((c) => column(dialect, c.name))];
  return { sql: select(dialect, spec, where, `ORDER BY ${order.join(', ')}`), params: binder.params };
}

export interface ChangedParentsQuerySpec {
  readonly source: WalkQuerySpec['source'];
  readonly parent: ErpColumn;
  readonly cursor: ErpColumn;
  readonly since: { readonly value: string; readonly lookbackMs: number };
  /** Keyset position: parents strictly after this one. */
  readonly after: string | null;
  readonly limit: number;
}

/** The distinct parents (deals) of child rows (lines) whose cursor is in the window, in parent order. */
export function buildChangedParentsQuery(dialect: SqlDialect, spec: ChangedParentsQuerySpec): ErpQuery {
  const binder = new Binder(dialect);
  const parent = column(dialect, spec.parent.name);
  const where = [
    `${parent} IS NOT NULL`,
    since(dialect, binder, spec.cursor, spec.since.value, spec.since.lookbackMs),
  ];
  if (spec.after !== null) {
    where.push(`${parent} > ${binder.bind(spec.after, spec.parent)}`);
  }
  const sql = [
    `SELECT DISTINCT ${parent} FROM ${fromClause(dialect, spec.source)}`,
    `WHERE ${where.join('\n  AND ')}`,
    `ORDER BY ${parent}\nLIMIT ${integer(spec.limit)}`,
  ].join('\n');
  return { sql, params: binder.params };
}

/** Page sizes are validated integers; written into the SQL because MySQL rejects some bound LIMITs. */
function integer(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`expected a non-negative integer LIMIT, got ${value}`);
  }
  return value;
}

/**
 * Where an incremental read starts from the last confirmed position. With a lookback the walk restarts
 * at `cursor − lookback` (rows committed late with an older cursor value are read again; the engine's
 * hash drops the re-read ones); without one it goes on strictly after the position, the key breaking
 * ties between rows sharing a cursor value.
 */
export function incrementalStart(
  from: { readonly value: string | null; readonly key: readonly string[] } | null,
  lookbackMs: number,
  keyColumns: number,
): PageStart {
  if (from === null || from.value === null) {
    return { kind: 'first' };
  }
  if (lookbackMs > 0 || from.key.length !== keyColumns) {
    return { kind: 'since', value: from.value, lookbackMs };
  }
  return { kind: 'after', values: [from.value, ...from.key] };
}

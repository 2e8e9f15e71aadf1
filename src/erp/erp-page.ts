import type { CursorPosition } from '../persistence/entities/sync-run.entity.js';
import { describeKey, encodeErpKey } from './erp-key.js';
import type { ErpRow, ErpValue, RowError } from './erp-row.js';

/** A row as a client returns it: every selected column, already normalized to an ErpValue. */
export type RawRow = Readonly<Record<string, ErpValue>>;

export enum RowErrorCode {
  /** A key column is NULL: the row has no identity to link a deal to. */
  NullKey = 'null_key',
  /** Several rows share one key (or, in an incremental read, one key and one cursor value). */
  DuplicateKey = 'duplicate_key',
  /** A key given to a targeted read is not an encoded key of this source's key columns. */
  MalformedKey = 'malformed_key',
}

/** What the reader knows about a source's rows while walking it. */
export interface RowShape {
  readonly key: readonly string[];
  readonly cursor: string | undefined;
  /** The walk's order: the key (sweeps, targeted reads) or the cursor then the key (incremental reads). */
  readonly order: readonly string[];
}

export interface CollectedPage {
  readonly rows: readonly ErpRow[];
  readonly errors: readonly RowError[];
  /** The order values of the last row taken: the next page starts strictly after them. */
  readonly last: readonly string[] | undefined;
  readonly position: CursorPosition | null;
  /** The walk goes on: more rows were fetched than the page takes. */
  readonly more: boolean;
}

function text(value: ErpValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

const orderOf = (raw: RawRow, shape: RowShape): string[] => shape.order.map((name) => text(raw[name]) ?? '');
const sameOrder = (left: readonly string[], right: readonly string[]): boolean =>
  left.length === right.length && left.every((value, index) => value === right[index]);

export function toErpRow(raw: RawRow, shape: RowShape): ErpRow {
  const key = shape.key.map((name) => text(raw[name]) ?? '');
  return {
    key,
    erpKey: encodeErpKey(key),
    cursor: shape.cursor === undefined ? null : text(raw[shape.cursor]),
    values: raw,
  };
}

function cursorNote(raw: RawRow, shape: RowShape): string {
  return shape.cursor === undefined
    ? ''
    : ` and cursor ${describeKey([shape.cursor], [text(raw[shape.cursor])])}`;
}

function duplicateError(group: readonly RawRow[], continues: boolean, shape: RowShape): RowError {
  const first = group[0];
  const key = shape.key.map((name) => text(first[name]) ?? '');
  const count = continues ? `At least ${group.length + 1} rows` : `${group.length} rows`;
  const cursor = shape.order.length > shape.key.length ? cursorNote(first, shape) : '';
  return {
    erpKey: encodeErpKey(key),
    code: RowErrorCode.DuplicateKey,
    message: `${count} share key ${describeKey(shape.key, key)}${cursor}; none of them is synced until the key is unique`,
  };
}

function groupByOrder(rows: readonly RawRow[], shape: RowShape): RawRow[][] {
  const groups: RawRow[][] = [];
  let previous: string[] | undefined;
  for (const row of rows) {
    const order = orderOf(row, shape);
    if (previous !== undefined && sameOrder(previous, order)) {
      groups[groups.length - 1].push(row);
    } else {
      groups.push([row]);
    }
    previous = order;
  }
  return groups;
}

/**
 * Takes up to `pageSize` rows of `fetched` (one more than a page was asked for, as a look-ahead).
 * Rows sharing their order values are duplicates: with a non-unique order, `> last` would silently skip
 * the rest of a group cut by the page boundary, so the whole group becomes one error and the walk moves
 * past it. Groups never straddle pages: the look-ahead tells whether the last group goes on.
 */
export function collectPage(fetched: readonly RawRow[], pageSize: number, shape: RowShape): CollectedPage {
  const taken = fetched.slice(0, pageSize);
  const lookAhead = fetched.at(pageSize);
  const groups = groupByOrder(taken, shape);
  const rows: ErpRow[] = [];
  const errors: RowError[] = [];
  groups.forEach((group, index) => {
    const continues =
      index === groups.length - 1 &&
      lookAhead !== undefined &&
      sameOrder(orderOf(lookAhead, shape), orderOf(group[0], shape));
    if (group.length === 1 && !continues) {
      rows.push(toErpRow(group[0], shape));
    } else {
      errors.push(duplicateError(group, continues, shape));
    }
  });
  const lastRow = taken.at(-1);
  return {
    rows,
    errors,
    last: lastRow === undefined ? undefined : orderOf(lastRow, shape),
    position: lastRow === undefined ? null : positionOf(lastRow, shape),
    more: lookAhead !== undefined,
  };
}

function positionOf(raw: RawRow, shape: RowShape): CursorPosition {
  const row = toErpRow(raw, shape);
  return { value: shape.order.length > shape.key.length ? row.cursor : null, key: row.key };
}

/** One error per row whose key has a NULL column, plus a note when more were found than listed. */
export function nullKeyErrors(fetched: readonly RawRow[], limit: number, shape: RowShape): RowError[] {
  const errors = fetched.slice(0, limit).map((raw): RowError => {
    const values = shape.key.map((name) => text(raw[name]));
    const nullColumns = shape.key.filter((_, index) => values[index] === null);
    return {
      erpKey: null,
      code: RowErrorCode.NullKey,
      message:
        `key column${nullColumns.length > 1 ? 's' : ''} ${nullColumns.join(', ')} ${nullColumns.length > 1 ? 'are' : 'is'} NULL ` +
        `in the row with ${describeKey(shape.key, values)}${cursorNote(raw, shape)}; the row is not synced`,
    };
  });
  if (fetched.length > limit) {
    errors.push({
      erpKey: null,
      code: RowErrorCode.NullKey,
      message: `more rows have a NULL key column; only the first ${limit} are listed`,
    });
  }
  return errors;
}

import type { CursorPosition } from '../persistence/entities/sync-run.entity.js';
import { describeKey, encodeErpKey, isBlankKeyPart } from './erp-key.js';
import type { ErpRow, ErpValue, RowError } from './erp-row.js';
import { unstorableTextReason } from './storable-text.js';

/** A row as a client returns it: every selected column, already normalized to an ErpValue. */
export type RawRow = Readonly<Record<string, ErpValue>>;

export enum RowErrorCode {
  /** A key column is NULL: the row has no identity to link a deal to. */
  NullKey = 'null_key',
  /** A key column is empty or only spaces: as good as NULL (a deal with an empty ORIGIN_ID cannot be found again). */
  BlankKey = 'blank_key',
  /** A key or cursor value holds text the state database cannot store (a NUL byte, a lone surrogate). */
  UnstorableKey = 'unstorable_key',
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
 * past it. Groups never straddle pages: the look-ahead tells whether the last group goes on. A group whose
 * key is blank or whose key or cursor cannot be stored is one error too, with no key to record it under.
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
    const keyError = badKeyError(group[0], shape);
    if (keyError !== undefined) {
      errors.push(keyError);
    } else if (group.length === 1 && !continues) {
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
    position: storablePosition(taken, shape),
    more: lookAhead !== undefined,
  };
}

/**
 * The position of the page's last row whose key and cursor can be stored (the run's cursor is saved in the
 * state database); an earlier row's position only makes the next incremental read start a little earlier.
 */
function storablePosition(taken: readonly RawRow[], shape: RowShape): CursorPosition | null {
  for (let index = taken.length - 1; index >= 0; index--) {
    if (unstorableColumn(taken[index], shape) === undefined) {
      return positionOf(taken[index], shape);
    }
  }
  return null;
}

function positionOf(raw: RawRow, shape: RowShape): CursorPosition {
  const row = toErpRow(raw, shape);
  return { value: shape.order.length > shape.key.length ? row.cursor : null, key: row.key };
}

/** A row whose key cannot identify a deal: a blank key column, or a key or cursor value that cannot be stored. */
function badKeyError(raw: RawRow, shape: RowShape): RowError | undefined {
  const values = shape.key.map((name) => text(raw[name]) ?? '');
  const where = () =>
    `in the row with ${describeKey(shape.key, values)}${cursorNote(raw, shape)}; the row is not synced`;
  const unstorable = unstorableColumn(raw, shape);
  if (unstorable !== undefined) {
    const role = shape.key.includes(unstorable.column) ? 'key' : 'cursor';
    return {
      erpKey: null,
      code: RowErrorCode.UnstorableKey,
      message: `${role} column ${unstorable.column} ${unstorable.reason}, ${where()}`,
    };
  }
  const blank = shape.key.filter((_, index) => isBlankKeyPart(values[index]));
  if (blank.length === 0) {
    return undefined;
  }
  const plural = blank.length > 1;
  return {
    erpKey: null,
    code: RowErrorCode.BlankKey,
    message: `key column${plural ? 's' : ''} ${blank.join(', ')} ${plural ? 'are' : 'is'} blank ${where()}`,
  };
}

function unstorableColumn(raw: RawRow, shape: RowShape): { column: string; reason: string } | undefined {
  const columns = shape.cursor === undefined ? shape.key : [...shape.key, shape.cursor];
  for (const column of columns) {
    const value = text(raw[column]);
    const reason = value === null ? undefined : unstorableTextReason(value);
    if (reason !== undefined) {
      return { column, reason };
    }
  }
  return undefined;
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

/**
 * Cuts one walk's stream of rows into the pages `collectPage` would have made of a LIMITed query per page:
 * a page is complete once the row after it is known (its look-ahead), and the rest of a duplicate group cut by
 * the boundary is dropped, as the next page's `> last` predicate dropped it. Holds one page at most.
 */
export class PageCutter {
  private pending: RawRow[] = [];
  private skipping: readonly string[] | undefined;

  constructor(
    private readonly pageSize: number,
    private readonly shape: RowShape,
  ) {}

  /** The pages these rows complete, in order. */
  push(rows: readonly RawRow[]): CollectedPage[] {
    const pages: CollectedPage[] = [];
    for (const row of rows) {
      this.add(row, pages);
    }
    return pages;
  }

  /** The last, partial page once the walk has ended; undefined when nothing is left. */
  end(): CollectedPage | undefined {
    const rows = this.pending;
    this.pending = [];
    return rows.length === 0 ? undefined : collectPage(rows, this.pageSize, this.shape);
  }

  private add(row: RawRow, pages: CollectedPage[]): void {
    if (this.skipping !== undefined && sameOrder(orderOf(row, this.shape), this.skipping)) {
      return;
    }
    this.skipping = undefined;
    this.pending.push(row);
    if (this.pending.length <= this.pageSize) {
      return;
    }
    const fetched = this.pending;
    const page = collectPage(fetched, this.pageSize, this.shape);
    pages.push(page);
    this.pending = [];
    this.skipping = page.last;
    this.add(fetched[this.pageSize], pages);
  }
}

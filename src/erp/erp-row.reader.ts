import { setTimeout as sleep } from 'node:timers/promises';
import type { MappingConfig } from '../config/config.types.js';
import type { CursorPosition } from '../persistence/entities/sync-run.entity.js';
import { decodeErpKey } from './erp-key.js';
import {
  collectPage,
  nullKeyErrors,
  PageCutter,
  RowErrorCode,
  type CollectedPage,
  type RawRow,
  type RowShape,
} from './erp-page.js';
import {
  buildChangedParentsQuery,
  buildKeysQuery,
  buildNullKeyQuery,
  buildProbeQuery,
  buildWalkQuery,
  incrementalStart,
  type ErpQuery,
  type KeysQuerySpec,
  type PageStart,
} from './erp-query.js';
import { describeSource, ErpReadError, ErpReadErrorCode } from './erp-read.error.js';
import type { ErpRow, RowError } from './erp-row.js';
import type { ErpClient } from './erp.client.js';
import { unstorableTextReason } from './storable-text.js';
import { splitTableName, type ErpColumn } from './sql-dialect.js';

/** The part of a mapping the reader needs: its name (for messages) and its source. */
export type ErpSource = Pick<MappingConfig, 'name' | 'source'>;

/** One page of a read: at most `source.pageSize` rows, plus the rows that cannot be synced. */
export interface ErpPage {
  readonly rows: readonly ErpRow[];
  readonly errors: readonly RowError[];
  /**
   * The walk's position after this page (its last row, errors included). Incremental reads give the cursor
   * value and key, to be passed back as `from` once the page is confirmed; sweeps give the key with a null
   * value; pages of errors found outside the walk (NULL keys, malformed keys) and targeted reads give null.
   */
  readonly position: CursorPosition | null;
}

/** Rows with a NULL key listed one by one at most; beyond that one summary error. */
const NULL_KEY_REPORT_LIMIT = 100;
/** Keys per statement of a targeted read (bound values stay far below both engines' limits). */
const MAX_KEYS_PER_QUERY = 1000;
/** Pauses before reopening a walk whose connection dropped, one per consecutive failure; then the read fails. */
const RESUME_BACKOFF_MS = [250, 500, 1000] as const;

interface ReadPlan {
  readonly label: string;
  readonly source: ErpSource['source'];
  readonly key: readonly ErpColumn[];
  readonly cursor: ErpColumn | undefined;
}

/**
 * Reads mapping sources from the ERP database as paged async iterators: one walk is one statement in one
 * read-only snapshot (a server-side cursor or a streamed result), cut into pages of `source.pageSize` rows, one
 * page in memory at a time whatever the table size. The keyset order of the walk is only used again when the
 * connection drops mid-walk: the walk reopens strictly after the last page delivered. Read-only: it issues
 * SELECTs only, on sessions the clients put in read-only mode.
 */
export class ErpRowReader {
  constructor(private readonly client: ErpClient) {}

  get dialect(): ErpClient['dialect']['name'] {
    return this.client.dialect.name;
  }

  /**
   * Rows changed since `from` (null: every row with a cursor value), in (cursor, key) order. Rows whose
   * cursor is NULL are never part of an incremental read; a full sweep sees them.
   */
  async *readChanges(mapping: ErpSource, from: CursorPosition | null): AsyncGenerator<ErpPage> {
    const plan = await this.plan(mapping, true);
    const cursor = plan.cursor as ErpColumn;
    const start = incrementalStart(from, plan.source.lookback, plan.key.length);
    const window =
      from?.value == null ? undefined : { cursor, value: from.value, lookbackMs: plan.source.lookback };
    yield* this.nullKeys(plan, window);
    yield* this.walk(plan, [cursor, ...plan.key], start);
  }

  /** Every row in key order (a full sweep). */
  async *readAll(mapping: ErpSource): AsyncGenerator<ErpPage> {
    const plan = await this.plan(mapping, false);
    yield* this.nullKeys(plan, undefined);
    yield* this.walk(plan, plan.key, { kind: 'first' });
  }

  /** The rows with these encoded keys (a targeted resync); keys with no row are simply absent. */
  async *readKeys(mapping: ErpSource, erpKeys: readonly string[]): AsyncGenerator<ErpPage> {
    const plan = await this.plan(mapping, false);
    const keys: string[][] = [];
    const errors: RowError[] = [];
    for (const erpKey of new Set(erpKeys)) {
      const key = decodeErpKey(erpKey, plan.key.length);
      const unstorable = unstorableTextReason(erpKey);
      if (key === undefined || unstorable !== undefined) {
        errors.push(requestedKeyError(erpKey, plan, unstorable));
      } else {
        keys.push(key);
      }
    }
    if (errors.length > 0) {
      yield { rows: [], errors, position: null };
    }
    const shape = shapeOf(plan, plan.key);
    const perQuery = Math.min(plan.source.pageSize, MAX_KEYS_PER_QUERY);
    for (let offset = 0; offset < keys.length; offset += perQuery) {
      const chunk = keys.slice(offset, offset + perQuery);
      const fetched = await this.fetch(plan, buildKeysQuery(this.client.dialect, { ...plan, keys: chunk }));
      const page = collectPage(fetched, fetched.length, shape);
      yield { rows: page.rows, errors: page.errors, position: null };
    }
  }

  /**
   * The rows of a child source (a deal's product rows) whose `parent` column holds one of these keys, by parent
   * then `order`: read for one page of parents at a time, never the whole table.
   */
  async readChildren(
    label: string,
    child: { source: KeysQuerySpec['source']; parent: string; order: readonly string[] },
    parentKeys: readonly string[],
  ): Promise<RawRow[]> {
    const plan = { label };
    const columns = await this.describe(label, child.source);
    const find = (name: string, role: string): ErpColumn => findColumn(label, columns, name, role);
    const key = [find(child.parent, 'parent')];
    const order = child.order.map((name) => find(name, 'order'));
    const rows: RawRow[] = [];
    for (let offset = 0; offset < parentKeys.length; offset += MAX_KEYS_PER_QUERY) {
      const keys = parentKeys.slice(offset, offset + MAX_KEYS_PER_QUERY).map((parentKey) => [parentKey]);
      const query = buildKeysQuery(this.client.dialect, { source: child.source, key, keys, order });
      rows.push(...(await this.fetch(plan, query)));
    }
    return rows;
  }

  /**
   * Pages of the parent keys (deal keys) of child rows changed since `since` (minus the lookback): product rows
   * edited without their order's cursor moving.
   */
  async *readChangedParents(
    label: string,
    child: { source: KeysQuerySpec['source']; parent: string; cursor: string },
    since: { value: string; lookbackMs: number },
    pageSize: number,
  ): AsyncGenerator<string[]> {
    const columns = await this.describe(label, child.source);
    const parent = findColumn(label, columns, child.parent, 'parent');
    const cursor = findColumn(label, columns, child.cursor, 'cursor');
    let after: string | null = null;
    for (;;) {
      const query = buildChangedParentsQuery(this.client.dialect, {
        source: child.source,
        parent,
        cursor,
        since,
        after,
        limit: pageSize,
      });
      const keys = (await this.fetch({ label }, query)).map((row) => String(row[child.parent]));
      if (keys.length > 0) {
        yield keys;
      }
      if (keys.length < pageSize) {
        return;
      }
      after = keys[keys.length - 1];
    }
  }

  /** Resolves when the ERP database answers; an ErpReadError (connection_failed) otherwise. */
  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async *walk(
    plan: ReadPlan,
    order: readonly ErpColumn[],
    start: PageStart,
  ): AsyncGenerator<ErpPage> {
    const shape = shapeOf(plan, order);
    const { pageSize } = plan.source;
    let from = start;
    let failures = 0;
    for (;;) {
      const query = buildWalkQuery(this.client.dialect, { source: plan.source, order, start: from });
      const cutter = new PageCutter(pageSize, shape);
      try {
        for await (const batch of this.client.stream(query, pageSize)) {
          for (const page of cutter.push(batch)) {
            yield toErpPage(page);
            // Delivered: a walk reopened after a dropped connection starts strictly after this page.
            from = page.last === undefined ? from : { kind: 'after', values: page.last };
            failures = 0;
          }
        }
        const last = cutter.end();
        if (last !== undefined) {
          yield toErpPage(last);
        }
        return;
      } catch (error) {
        if (!resumable(error, failures)) {
          throw error instanceof ErpReadError ? error.within(plan.label) : error;
        }
        await sleep(RESUME_BACKOFF_MS[failures]);
        failures++;
      }
    }
  }

  /** Keyset paging never reaches a row with a NULL key column, so those rows are looked for apart. */
  private async *nullKeys(
    plan: ReadPlan,
    window: { cursor: ErpColumn; value: string; lookbackMs: number } | undefined,
  ): AsyncGenerator<ErpPage> {
    const query = buildNullKeyQuery(this.client.dialect, {
      source: plan.source,
      key: plan.key,
      since: window,
      limit: NULL_KEY_REPORT_LIMIT + 1,
    });
    const fetched = await this.fetch(plan, query);
    if (fetched.length > 0) {
      yield {
        rows: [],
        errors: nullKeyErrors(fetched, NULL_KEY_REPORT_LIMIT, shapeOf(plan, plan.key)),
        position: null,
      };
    }
  }

  private async plan(mapping: ErpSource, incremental: boolean): Promise<ReadPlan> {
    const { source } = mapping;
    const label = describeSource(mapping.name, source);
    if (source.table !== undefined && splitTableName(source.table) === undefined) {
      throw new ErpReadError(
        ErpReadErrorCode.Unsupported,
        `${label}: expected "table" or "schema.table" (for a name containing a dot, use a query)`,
      );
    }
    const columns = await this.describe(label, source);
    const find = (name: string, role: string): ErpColumn => findColumn(label, columns, name, role);
    const key = source.key.map((name) => find(name, 'key'));
    const cursor = source.cursor === undefined ? undefined : find(source.cursor, 'cursor');
    if (incremental) {
      assertIncremental(label, source, cursor);
    }
    return { label, source, key, cursor };
  }

  private async describe(label: string, source: KeysQuerySpec['source']): Promise<ErpColumn[]> {
    try {
      return await this.client.describe(buildProbeQuery(this.client.dialect, source));
    } catch (error) {
      throw error instanceof ErpReadError ? error.within(label) : error;
    }
  }

  private async fetch(plan: Pick<ReadPlan, 'label'>, query: ErpQuery): Promise<RawRow[]> {
    try {
      return await this.client.query(query);
    } catch (error) {
      throw error instanceof ErpReadError ? error.within(plan.label) : error;
    }
  }
}

function toErpPage(page: CollectedPage): ErpPage {
  return { rows: page.rows, errors: page.errors, position: page.position };
}

/** Only a dropped connection is worth reopening the walk for, a few times in a row. */
function resumable(error: unknown, failures: number): boolean {
  return (
    error instanceof ErpReadError &&
    error.code === ErpReadErrorCode.ConnectionFailed &&
    failures < RESUME_BACKOFF_MS.length
  );
}

function findColumn(label: string, columns: readonly ErpColumn[], name: string, role: string): ErpColumn {
  const column = columns.find((candidate) => candidate.name === name);
  if (column === undefined) {
    const available = columns.map((candidate) => `"${candidate.name}"`).join(', ');
    throw new ErpReadError(
      ErpReadErrorCode.ColumnMissing,
      `${label}: ${role} column "${name}" is not in the source's result (its columns: ${available})`,
    );
  }
  return column;
}

function assertIncremental(label: string, source: ErpSource['source'], cursor: ErpColumn | undefined): void {
  if (cursor === undefined) {
    throw new ErpReadError(
      ErpReadErrorCode.Unsupported,
      `${label}: an incremental read needs source.cursor (without one every run is a full sweep)`,
    );
  }
  if (source.lookback > 0 && !cursor.temporal) {
    throw new ErpReadError(
      ErpReadErrorCode.Unsupported,
      `${label}: lookback (${source.lookback} ms) needs a date or timestamp cursor, but "${cursor.name}" is ` +
        `${cursor.typeName}; set lookback to 0 for a number or version cursor`,
    );
  }
}

function shapeOf(plan: ReadPlan, order: readonly ErpColumn[]): RowShape {
  return { key: plan.source.key, cursor: plan.cursor?.name, order: order.map((column) => column.name) };
}

/** A requested key that names no row; one that cannot be stored is recorded without it. */
function requestedKeyError(erpKey: string, plan: ReadPlan, unstorable: string | undefined): RowError {
  if (unstorable !== undefined) {
    return {
      erpKey: null,
      code: RowErrorCode.UnstorableKey,
      message: `key ${JSON.stringify(erpKey)} ${unstorable}; no row is read for it`,
    };
  }
  const columns = plan.source.key.join(', ');
  return {
    erpKey,
    code: RowErrorCode.MalformedKey,
    message:
      `${JSON.stringify(erpKey)} is not a key of this source: expected ${plan.key.length} part(s) (${columns}) ` +
      `joined by "|" with "\\" escaping "|" and "\\"`,
  };
}

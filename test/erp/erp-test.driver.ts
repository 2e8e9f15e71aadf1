import type { ErpDialect, SourceConfig } from '../../src/config/config.types.js';
import { Secret } from '../../src/config/secret.js';
import type { ErpQuery } from '../../src/erp/erp-query.js';
import { createErpRowReader } from '../../src/erp/erp-row-reader.factory.js';
import { ErpRowReader, type ErpPage, type ErpSource } from '../../src/erp/erp-row.reader.js';
import type { ErpClient } from '../../src/erp/erp.client.js';
import { MysqlErpClient } from '../../src/erp/mysql-erp.client.js';
import { PostgresErpClient } from '../../src/erp/postgres-erp.client.js';

/** What the shared ERP reader scenarios need from one engine: a database of their own and its SQL dialect. */
export interface ErpTestDriver {
  readonly name: string;
  readonly dialect: ErpDialect;
  /** Creates the spec file's own database; returns its URL. */
  setUp(): Promise<string>;
  tearDown(): Promise<void>;
  /** Runs fixture SQL on an ordinary (writable) connection, never the reader's. */
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  count(table: string): Promise<number>;
  quote(identifier: string): string;
  placeholder(position: number): string;
  readonly types: {
    readonly int: string;
    readonly bigint: string;
    readonly text: string;
    readonly timestamp: string;
    readonly decimal: string;
  };
  /** A SELECT of one column `n` = 1…count. */
  series(count: number): string;
  /** DDL creating a function `bump()` that inserts into `log` and returns 1. */
  writingFunction(log: string): string;
  /** A SELECT expression giving the session's time zone, and what the reader's sessions must show. */
  readonly sessionTimeZone: { readonly sql: string; readonly expected: string };
  readonly missingTableMessage: RegExp;
  /** The database's URL with a password that the server will not accept (or a database it does not have). */
  refusedUrl(url: string, password: string): string;
  /** The server ids of other sessions of this database inside a transaction (a walk in progress). */
  openWalks(): Promise<number[]>;
  /** Kills these sessions as a dropped network would (pg_terminate_backend, KILL CONNECTION). */
  kill(sessions: readonly number[]): Promise<void>;
}

export function createTable(
  driver: ErpTestDriver,
  table: string,
  columns: Record<string, string>,
  primaryKey: readonly string[] = [],
): Promise<void> {
  const q = (name: string) => driver.quote(name);
  const definitions = Object.entries(columns).map(([name, type]) => `${q(name)} ${type}`);
  if (primaryKey.length > 0) {
    definitions.push(`PRIMARY KEY (${primaryKey.map(q).join(', ')})`);
  }
  return driver.exec(`CREATE TABLE ${q(table)} (${definitions.join(', ')})`);
}

export async function insertRows(
  driver: ErpTestDriver,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  let position = 0;
  const tuples = rows.map((row) => `(${row.map(() => driver.placeholder(++position)).join(', ')})`);
  const names = columns.map((name) => driver.quote(name)).join(', ');
  await driver.exec(`INSERT INTO ${driver.quote(table)} (${names}) VALUES ${tuples.join(', ')}`, rows.flat());
}

export function mappingOf(source: Partial<SourceConfig> & Pick<SourceConfig, 'key'>): ErpSource {
  return { name: 'erp-spec', source: { lookback: 0, timezone: 'UTC', pageSize: 1000, ...source } };
}

export function readerFor(driver: ErpTestDriver, url: string): ErpRowReader {
  return createErpRowReader({ url: new Secret(url), dialect: driver.dialect });
}

export async function collect(pages: AsyncIterable<ErpPage>): Promise<ErpPage[]> {
  const collected: ErpPage[] = [];
  for await (const page of pages) {
    collected.push(page);
  }
  return collected;
}

export const keysOf = (pages: readonly ErpPage[]): string[] =>
  pages.flatMap((page) => page.rows.map((row) => row.erpKey));
export const errorsOf = (pages: readonly ErpPage[]) => pages.flatMap((page) => page.errors);

/** A reader whose real client is watched: every statement that walks a source, and the rows the ERP sent back. */
export interface ProbedReader {
  readonly reader: ErpRowReader;
  /** Statements of a walk (ORDER BY, no probe or NULL-key query), in the order they were sent. */
  readonly walks: ErpQuery[];
  /** Rows the ERP sent for those statements. */
  rowsSent(): number;
}

export function probedReader(driver: ErpTestDriver, url: string): ProbedReader {
  const client: ErpClient =
    driver.dialect === 'postgres' ? new PostgresErpClient(url) : new MysqlErpClient(url);
  const walks: ErpQuery[] = [];
  let rows = 0;
  const isWalk = (query: ErpQuery): boolean => query.sql.includes('ORDER BY');
  // A proxy, so that the probe counts whatever the reader calls (a page query per page, or one stream).
  const probe = new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property === 'query' && typeof value === 'function') {
        return async (query: ErpQuery) => {
          const fetched = (await value.call(target, query)) as unknown[];
          if (isWalk(query)) {
            walks.push(query);
            rows += fetched.length;
          }
          return fetched;
        };
      }
      if (property === 'stream' && typeof value === 'function') {
        return async function* (query: ErpQuery, batchSize: number) {
          walks.push(query);
          for await (const batch of value.call(target, query, batchSize) as AsyncIterable<unknown[]>) {
            rows += batch.length;
            yield batch;
          }
        };
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { reader: new ErpRowReader(probe), walks, rowsSent: () => rows };
}

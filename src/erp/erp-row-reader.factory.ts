import type { DatabaseConfig } from '../config/config.types.js';
import type { ErpQuery } from './erp-query.js';
import type { RawRow } from './erp-page.js';
import type { ErpClient, ErpClientOptions } from './erp.client.js';
import { ErpRowReader } from './erp-row.reader.js';
import { PostgresErpClient } from './postgres-erp.client.js';
import { mysqlDialect, type ErpColumn } from './sql-dialect.js';

/** A reader on its own pool for the configured ERP database; connects lazily, on the first read. */
export function createErpRowReader(database: DatabaseConfig, options: ErpClientOptions = {}): ErpRowReader {
  const url = database.url.reveal();
  switch (database.dialect) {
    case 'postgres':
      return new ErpRowReader(new PostgresErpClient(url, options));
    case 'mysql':
      return new ErpRowReader(new LazyMysqlClient(url, options));
  }
}

/** The MySQL client, its driver (mysql2) loaded on the first call: a PostgreSQL ERP never loads it. */
class LazyMysqlClient implements ErpClient {
  readonly dialect = mysqlDialect;
  #client: Promise<ErpClient> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: ErpClientOptions,
  ) {}

  describe(sql: string): Promise<ErpColumn[]> {
    return this.#loaded().then((client) => client.describe(sql));
  }

  query(query: ErpQuery): Promise<RawRow[]> {
    return this.#loaded().then((client) => client.query(query));
  }

  async *stream(query: ErpQuery, batchSize: number): AsyncIterable<RawRow[]> {
    yield* (await this.#loaded()).stream(query, batchSize);
  }

  ping(): Promise<void> {
    return this.#loaded().then((client) => client.ping());
  }

  close(): Promise<void> {
    return this.#client?.then((client) => client.close()) ?? Promise.resolve();
  }

  #loaded(): Promise<ErpClient> {
    this.#client ??= import('./mysql-erp.client.js').then(
      ({ MysqlErpClient }) => new MysqlErpClient(this.url, this.options),
    );
    return this.#client;
  }
}

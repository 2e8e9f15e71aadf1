import type { DatabaseConfig } from '../config/config.types.js';
import type { ErpClientOptions } from './erp.client.js';
import { ErpRowReader } from './erp-row.reader.js';
import { MysqlErpClient } from './mysql-erp.client.js';
import { PostgresErpClient } from './postgres-erp.client.js';

/** A reader on its own pool for the configured ERP database; connects lazily, on the first read. */
export function createErpRowReader(database: DatabaseConfig, options: ErpClientOptions = {}): ErpRowReader {
  const url = database.url.reveal();
  switch (database.dialect) {
    case 'postgres':
      return new ErpRowReader(new PostgresErpClient(url, options));
    case 'mysql':
      return new ErpRowReader(new MysqlErpClient(url, options));
  }
}

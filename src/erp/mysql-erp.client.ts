import type { Connection as CallbackConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import type { ErpValue } from './erp-row.js';
import type { ErpQuery } from './erp-query.js';
import type { RawRow } from './erp-page.js';
import { ErpReadError, ErpReadErrorCode } from './erp-read.error.js';
import {
  connectionError,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  driverError,
  isSocketError,
  passwordScrubber,
  type ErpClient,
  type ErpClientOptions,
} from './erp.client.js';
import { mysqlDialect, type ErpColumn } from './sql-dialect.js';

/** MySQL protocol column types (include/mysql_com.h, enum_field_types). */
const TYPE = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  NEWDECIMAL: 246,
} as const;
const TYPE_NAMES = new Map<number, string>(Object.entries(TYPE).map(([name, code]) => [code, name]));
const INTEGER_TYPES = new Set<number>([
  TYPE.TINY,
  TYPE.SHORT,
  TYPE.LONG,
  TYPE.LONGLONG,
  TYPE.INT24,
  TYPE.YEAR,
]);
const UNSIGNED_FLAG = 32;
const MAX_DECIMAL_SCALE = 30;

/** How a bound text value becomes comparable with a column exactly (a string-to-number compare would go through a double). */
function castTypeOf(field: mysql.FieldPacket): string | null {
  const type = field.columnType ?? -1;
  if (INTEGER_TYPES.has(type)) {
    return typeof field.flags === 'number' && (field.flags & UNSIGNED_FLAG) !== 0 ? 'UNSIGNED' : 'SIGNED';
  }
  switch (type) {
    case TYPE.DECIMAL:
    case TYPE.NEWDECIMAL:
      return `DECIMAL(65, ${Math.min(field.decimals, MAX_DECIMAL_SCALE)})`;
    case TYPE.DATE:
    case TYPE.NEWDATE:
      return 'DATE';
    case TYPE.DATETIME:
    case TYPE.TIMESTAMP:
      return 'DATETIME(6)';
    case TYPE.TIME:
      return 'TIME(6)';
    default:
      return null;
  }
}

const TEMPORAL_TYPES = new Set<number>([TYPE.DATE, TYPE.NEWDATE, TYPE.DATETIME, TYPE.TIMESTAMP]);

function toColumn(field: mysql.FieldPacket): ErpColumn {
  const type = field.columnType ?? -1;
  return {
    name: field.name,
    typeName: field.extendedTypeName ?? TYPE_NAMES.get(type) ?? field.typeName ?? `type ${type}`,
    castType: castTypeOf(field),
    temporal: TEMPORAL_TYPES.has(type),
  };
}

/** Binary columns become `\x…` hex (as PostgreSQL prints bytea); anything structured becomes JSON text. */
function normalize(value: unknown): ErpValue {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (Buffer.isBuffer(value)) {
    return `\\x${value.toString('hex')}`;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  return JSON.stringify(value) ?? null;
}

function normalizeRow(row: Record<string, unknown>): RawRow {
  return Object.fromEntries(Object.entries(row).map(([name, value]) => [name, normalize(value)]));
}

function connectionOptions(url: string): mysql.PoolOptions {
  const parsed = new URL(url);
  const ssl = parsed.searchParams.get('ssl');
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined,
    ssl: ssl === 'true' || ssl === 'required' ? {} : undefined,
  };
}

// Errors that mean the connection itself is gone or refused, whatever statement was running.
const CONNECTION_CODES =
  /^(PROTOCOL_|ER_ACCESS_DENIED|ER_DBACCESS_DENIED|ER_CON_COUNT|ER_SERVER_SHUTDOWN|ER_CONNECTION_KILLED)/;
const MISSING_RELATION_CODES = new Set(['ER_NO_SUCH_TABLE', 'ER_BAD_DB_ERROR']);

export class MysqlErpClient implements ErpClient {
  readonly dialect = mysqlDialect;
  private readonly pool: mysql.Pool;
  private readonly prepared = new WeakSet<object>();
  private readonly scrub: (text: string) => string;

  constructor(
    private readonly url: string,
    options: ErpClientOptions = {},
  ) {
    this.scrub = passwordScrubber(url);
    this.pool = mysql.createPool({
      ...connectionOptions(url),
      charset: 'utf8mb4',
      timezone: 'Z',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      jsonStrings: true,
      connectionLimit: options.poolSize ?? DEFAULT_POOL_SIZE,
      maxIdle: options.poolSize ?? DEFAULT_POOL_SIZE,
      idleTimeout: 30_000,
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxPreparedStatements: 64,
      enableKeepAlive: true,
    });
  }

  async describe(sql: string): Promise<ErpColumn[]> {
    const [, fields] = await this.run(sql, []);
    return fields.map(toColumn);
  }

  async query(query: ErpQuery): Promise<RawRow[]> {
    const [rows] = await this.run(query.sql, query.params);
    return rows.map(normalizeRow);
  }

  async *stream(query: ErpQuery, batchSize: number): AsyncGenerator<RawRow[]> {
    const connection = await this.acquire();
    // The promise wrapper's `connection` is the callback connection underneath (its typings say otherwise).
    const callbacks = connection.connection as unknown as CallbackConnection;
    let lost: ((error: Error) => void) | undefined;
    let reusable = false;
    try {
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      // The stream pauses the socket once `batchSize` rows wait unread: the server holds the rest, not us.
      const rows = callbacks.execute(query.sql, [...query.params]).stream({ highWaterMark: batchSize });
      // mysql2 reports a connection lost mid-result on the connection only: the stream would wait forever.
      lost = (error: Error) => rows.destroy(error);
      callbacks.once('error', lost);
      let batch: RawRow[] = [];
      for await (const row of rows) {
        batch.push(normalizeRow(row as Record<string, unknown>));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) {
        yield batch;
      }
      await connection.query('COMMIT');
      reusable = true;
    } catch (error) {
      throw this.translate(error);
    } finally {
      if (lost !== undefined) {
        callbacks.off('error', lost);
      }
      // A result not read to its end cannot be abandoned on a MySQL connection: closing it ends the statement.
      if (reusable) {
        connection.release();
      } else {
        connection.destroy();
      }
    }
  }

  async ping(): Promise<void> {
    await this.run('SELECT 1', []);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Server-side prepared statements: values travel as bound parameters, never inside the SQL text. */
  private async run(
    sql: string,
    params: readonly string[],
  ): Promise<[mysql.RowDataPacket[], mysql.FieldPacket[]]> {
    const connection = await this.acquire();
    try {
      const result = await connection.execute<mysql.RowDataPacket[]>(sql, [...params]);
      connection.release();
      return result;
    } catch (error) {
      const failure = this.translate(error);
      if (failure.code === ErpReadErrorCode.ConnectionFailed) {
        connection.destroy();
      } else {
        connection.release();
      }
      throw failure;
    }
  }

  private async acquire(): Promise<mysql.PoolConnection> {
    let connection: mysql.PoolConnection;
    try {
      connection = await this.pool.getConnection();
    } catch (error) {
      throw connectionError(this.url, this.scrub, driverError(error));
    }
    if (!this.prepared.has(connection.connection)) {
      try {
        await connection.query("SET time_zone = '+00:00'");
        await connection.query('SET SESSION TRANSACTION READ ONLY');
        this.prepared.add(connection.connection);
      } catch (error) {
        connection.destroy();
        throw connectionError(this.url, this.scrub, driverError(error));
      }
    }
    return connection;
  }

  private translate(error: unknown): ErpReadError {
    const failure = driverError(error);
    const fatal = (error as { fatal?: unknown } | null)?.fatal === true;
    if (
      fatal ||
      isSocketError(failure.code) ||
      (failure.code !== undefined && CONNECTION_CODES.test(failure.code))
    ) {
      return connectionError(this.url, this.scrub, failure);
    }
    const code =
      failure.code !== undefined && MISSING_RELATION_CODES.has(failure.code)
        ? ErpReadErrorCode.SourceNotFound
        : ErpReadErrorCode.QueryFailed;
    const suffix = failure.code === undefined ? '' : ` (${failure.code})`;
    return new ErpReadError(code, `${this.scrub(failure.message)}${suffix}`, failure.code);
  }
}

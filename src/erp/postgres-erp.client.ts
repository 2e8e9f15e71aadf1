import pg from 'pg';
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
import { postgresDialect, type ErpColumn } from './sql-dialect.js';

const OID = { bool: 16, int2: 21, int4: 23, oid: 26, float4: 700, float8: 701 } as const;
const TEMPORAL_OIDS = new Set([1082, 1114, 1184]); // date, timestamp, timestamptz

const parseFloatOrText = (value: string): ErpValue => {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : value;
};

/**
 * Per-pool type parsers: every value stays the server's text (timestamps, dates, numeric, int8, json,
 * intervals, arrays) except booleans, small integers and floats. pg's global parsers are left alone:
 * the state database shares the pg module.
 */
const ERP_TYPES = {
  getTypeParser(oid: number): (value: string) => ErpValue {
    switch (oid) {
      case OID.bool:
        return (value) => value === 't';
      case OID.int2:
      case OID.int4:
      case OID.oid:
        return Number;
      case OID.float4:
      case OID.float8:
        return parseFloatOrText;
      default:
        return (value) => value;
    }
  },
};

/** Applied to every new session before its first read: read-only, UTC, ISO dates. */
const SESSION_SETUP = [
  'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY',
  "SET TIME ZONE 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'postgres'",
  'SET extra_float_digits = 1',
].join('; ');

// SQLSTATE classes: 08 connection exception, 28 invalid authorization, 3D invalid catalog (database), 57P operator intervention.
const CONNECTION_STATES = /^(08|28|3D|57P)/;
// 42P01 undefined_table, 3F000 invalid_schema_name.
const MISSING_RELATION_STATES = new Set(['42P01', '3F000']);

function fetchCount(batchSize: number): number {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new Error(`expected a positive integer batch size, got ${batchSize}`);
  }
  return batchSize;
}

export class PostgresErpClient implements ErpClient {
  readonly dialect = postgresDialect;
  private readonly pool: pg.Pool;
  private readonly prepared = new WeakSet<pg.PoolClient>();
  private readonly scrub: (text: string) => string;

  constructor(
    private readonly url: string,
    options: ErpClientOptions = {},
  ) {
    this.scrub = passwordScrubber(url);
    this.pool = new pg.Pool({
      connectionString: url,
      types: ERP_TYPES,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      application_name: 'erp-bitrix24-sync',
    });
    // An idle connection dropped by the server must not crash the process; the next read reconnects.
    this.pool.on('error', () => undefined);
  }

  async describe(sql: string): Promise<ErpColumn[]> {
    const result = await this.run(sql, []);
    const oids = [...new Set(result.fields.map((field) => field.dataTypeID))];
    const types = await this.run(
      `SELECT t.oid::int AS oid, format_type(t.oid, NULL) AS name,
              COALESCE(NULLIF(t.typbasetype, 0), t.oid)::int AS base
         FROM pg_type t WHERE t.oid = ANY($1::oid[])`,
      [`{${oids.join(',')}}`],
    );
    const byOid = new Map(types.rows.map((row) => [Number(row.oid), row]));
    return result.fields.map((field) => {
      const type = byOid.get(field.dataTypeID);
      const name = typeof type?.name === 'string' ? type.name : 'text';
      return {
        name: field.name,
        typeName: name,
        castType: name,
        temporal: TEMPORAL_OIDS.has(Number(type?.base)),
      };
    });
  }

  async query(query: ErpQuery): Promise<RawRow[]> {
    return (await this.run(query.sql, query.params)).rows;
  }

  async *stream(query: ErpQuery, batchSize: number): AsyncGenerator<RawRow[]> {
    const client = await this.acquire();
    // A session killed while idle between two FETCHes fails the next one with no SQLSTATE: it is known by this.
    let lost = false;
    const onLost = (): void => {
      lost = true;
    };
    client.on('error', onLost);
    client.on('end', onLost);
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      await client.query(`DECLARE erp_walk NO SCROLL CURSOR FOR ${query.sql}`, [...query.params]);
      for (;;) {
        const { rows } = await client.query<Record<string, ErpValue>>(
          `FETCH ${fetchCount(batchSize)} FROM erp_walk`,
        );
        if (rows.length > 0) {
          yield rows;
        }
        if (rows.length < batchSize) {
          break;
        }
      }
      await client.query('COMMIT');
      open = false;
    } catch (error) {
      const failure = lost
        ? connectionError(this.url, this.scrub, driverError(error))
        : this.translate(error);
      lost ||= failure.code === ErpReadErrorCode.ConnectionFailed;
      throw failure;
    } finally {
      // A consumer that stopped early, or a failed statement, leaves the transaction (and its cursor) open.
      if (open && !lost) {
        await client.query('ROLLBACK').catch(onLost);
      }
      client.off('error', onLost);
      client.off('end', onLost);
      client.release(lost);
    }
  }

  async ping(): Promise<void> {
    await this.run('SELECT 1', []);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async run(
    sql: string,
    params: readonly string[],
  ): Promise<pg.QueryResult<Record<string, ErpValue>>> {
    const client = await this.acquire();
    try {
      const result = await client.query<Record<string, ErpValue>>(sql, [...params]);
      client.release();
      return result;
    } catch (error) {
      const failure = this.translate(error);
      // A connection that failed mid-read is discarded, not handed to the next read.
      client.release(failure.code === ErpReadErrorCode.ConnectionFailed);
      throw failure;
    }
  }

  private async acquire(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw connectionError(this.url, this.scrub, driverError(error));
    }
    if (!this.prepared.has(client)) {
      try {
        await client.query(SESSION_SETUP);
        this.prepared.add(client);
      } catch (error) {
        client.release(true);
        throw connectionError(this.url, this.scrub, driverError(error));
      }
    }
    return client;
  }

  private translate(error: unknown): ErpReadError {
    const failure = driverError(error);
    if (isSocketError(failure.code) || (failure.code !== undefined && CONNECTION_STATES.test(failure.code))) {
      return connectionError(this.url, this.scrub, failure);
    }
    const code =
      failure.code !== undefined && MISSING_RELATION_STATES.has(failure.code)
        ? ErpReadErrorCode.SourceNotFound
        : ErpReadErrorCode.QueryFailed;
    const suffix = failure.code === undefined ? '' : ` (${failure.code})`;
    return new ErpReadError(code, `${this.scrub(failure.message)}${suffix}`, failure.code);
  }
}

import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ErpReadErrorCode } from '../../src/erp/erp-read.error.js';
import type { ErpPage } from '../../src/erp/erp-row.reader.js';
import { postgresDialect } from '../../src/erp/sql-dialect.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { erpReaderScenarios } from './erp-reader.scenarios.js';
import { collect, mappingOf, probedReader, readerFor, type ErpTestDriver } from './erp-test.driver.js';

let database: TestDatabase | undefined;
let admin: pg.Client | undefined;

const connected = (): pg.Client => {
  if (admin === undefined) {
    throw new Error('the PostgreSQL driver is not set up');
  }
  return admin;
};

const databaseUrl = (): string => {
  if (database === undefined) {
    throw new Error('the PostgreSQL database is not set up');
  }
  return database.url;
};

const postgres: ErpTestDriver = {
  name: 'PostgreSQL',
  dialect: 'postgres',
  async setUp() {
    database = await createTestDatabase('erp');
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    return database.url;
  },
  async tearDown() {
    await admin?.end();
    await database?.drop();
  },
  async exec(sql, params = []) {
    await connected().query(sql, [...params]);
  },
  async count(table) {
    const result = await connected().query<{ n: string }>(
      `SELECT count(*) AS n FROM ${postgresDialect.quote(table)}`,
    );
    return Number(result.rows[0].n);
  },
  quote: (identifier) => postgresDialect.quote(identifier),
  placeholder: (position) => `$${position}`,
  types: {
    int: 'integer',
    bigint: 'bigint',
    text: 'text',
    timestamp: 'timestamp(6)',
    decimal: 'numeric(30, 6)',
  },
  series: (count) => `SELECT g AS n FROM generate_series(1, ${count}) AS g`,
  writingFunction: (log) =>
    `CREATE FUNCTION bump() RETURNS integer LANGUAGE sql VOLATILE AS $$ INSERT INTO ${log} VALUES (1) RETURNING 1 $$`,
  sessionTimeZone: { sql: `current_setting('TimeZone')`, expected: 'UTC' },
  missingTableMessage: /relation "no_such_table" does not exist \(42P01\)/,
  refusedUrl(url, password) {
    const refused = new URL(url);
    refused.password = password;
    refused.pathname = '/no_such_database';
    return refused.toString();
  },
  async openWalks() {
    const result = await connected().query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
          AND application_name = 'erp-bitrix24-sync'`,
    );
    return result.rows.map((row) => row.pid);
  },
  async kill(sessions) {
    await connected().query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
      [...sessions],
    ]);
  },
};

describe('ErpRowReader on PostgreSQL', () => {
  erpReaderScenarios(postgres);

  it('leaves pg’s global type parsers alone (the state database relies on them)', async () => {
    const reader = readerFor(postgres, databaseUrl());
    try {
      const [page] = await collect(
        reader.readAll(
          mappingOf({ query: `SELECT 1 AS id, TIMESTAMP '2024-01-01 10:00:00.123456' AS at`, key: ['id'] }),
        ),
      );
      const plain = await connected().query<{ at: unknown }>(`SELECT TIMESTAMP '2024-01-01 10:00:00' AS at`);

      expect(page.rows[0].values.at).toBe('2024-01-01 10:00:00.123456');
      expect(plain.rows[0].at).toBeInstanceOf(Date);
    } finally {
      await reader.close();
    }
  });

  it('fails a walk on a query error without reopening it (only a dropped connection is resumed)', async () => {
    const probed = probedReader(postgres, databaseUrl());
    const mapping = mappingOf({
      query: 'SELECT g AS id, 1 / (g - 3000) AS x FROM generate_series(1, 5000) AS g',
      key: ['id'],
      pageSize: 100,
    });
    try {
      await expect(collect(probed.reader.readAll(mapping))).rejects.toMatchObject({
        code: ErpReadErrorCode.QueryFailed,
        message: expect.stringContaining('division by zero'),
      });
      const [page] = await collect(
        probed.reader.readAll(mappingOf({ query: 'SELECT 1 AS id', key: ['id'] })),
      );

      expect(probed.walks).toHaveLength(2);
      expect(page.rows).toHaveLength(1);
      expect(await postgres.openWalks()).toEqual([]);
    } finally {
      await probed.reader.close();
    }
  });

  it('gives up after three reopenings in a row fail, keeping the pages already delivered', async () => {
    const probed = probedReader(postgres, databaseUrl());
    const name = postgresDialect.quote(new URL(databaseUrl()).pathname.slice(1));
    // A database cannot close itself to new connections: the server's own database does it.
    const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await server.connect();
    const walk = probed.reader.readAll(
      mappingOf({ query: 'SELECT g AS id FROM generate_series(1, 5000) AS g', key: ['id'], pageSize: 100 }),
    );
    const pages: AsyncIterator<ErpPage> = walk[Symbol.asyncIterator]();
    try {
      const first = await pages.next();
      await server.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      // Every session of the reader, idle ones too: no reopening can find a connection.
      await connected().query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );

      await expect(pages.next()).rejects.toMatchObject({ code: ErpReadErrorCode.ConnectionFailed });
      expect((first.value as ErpPage).rows).toHaveLength(100);
      expect(probed.walks).toHaveLength(4);
    } finally {
      await server.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await server.end();
      await pages.return?.(undefined);
      await probed.reader.close();
    }
  });

  it('reads timestamptz as UTC text with its offset', async () => {
    const reader = readerFor(postgres, databaseUrl());
    try {
      const [page] = await collect(
        reader.readAll(
          mappingOf({
            query: `SELECT 1 AS id, TIMESTAMPTZ '2024-01-01 10:00:00.5+03' AS at, 2.5::float8 AS f`,
            key: ['id'],
          }),
        ),
      );

      expect(page.rows[0].values).toEqual({ id: 1, at: '2024-01-01 07:00:00.5+00', f: 2.5 });
    } finally {
      await reader.close();
    }
  });
});

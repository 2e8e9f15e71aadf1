import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/persistence/data-source.factory.js';
import { runMigrations } from '../../src/persistence/migrate.js';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: run the specs through jest (its global setup provides one)',
    );
  }
  return url;
}

/** A fresh, empty database of its own for one spec file, dropped afterwards. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A pool for a spec's own queries. `pool.end()` resolves before its connections are closed on the server, so a
 * `DROP DATABASE … WITH (FORCE)` right after may terminate one: that error is expected, not a failure.
 */
export function testPool(url: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

export interface TestDataSource {
  readonly dataSource: DataSource;
  readonly url: string;
  close(): Promise<void>;
}

/** A database of its own with every migration applied, as the app would have it. */
export async function createMigratedDataSource(): Promise<TestDataSource> {
  const database = await createTestDatabase();
  const dataSource = createDataSource(database.url);
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    dataSource,
    url: database.url,
    async close() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

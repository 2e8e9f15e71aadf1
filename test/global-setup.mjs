import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
// Jest hands global setup to Node's own loader, which strips the types of this dependency-free module.
import { startEmbeddedPostgres } from '../src/persistence/embedded-postgres.ts';

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL when set, else an embedded server.
 * Each spec file then creates its own database in it (test/support/database.ts).
 * DATABASE_URL is never read here: a test run must not be able to touch a real state database.
 */
export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    await assertReachable(process.env.TEST_DATABASE_URL);
    return;
  }
  const handle = await startEmbeddedPostgres({
    dataDir: join(tmpdir(), `epg-test-${randomUUID()}`),
    database: 'test',
    persistent: false,
  });
  globalThis.__embeddedPostgres = handle;
  process.env.TEST_DATABASE_URL = handle.url;
  process.stdout.write(
    `\n[test] TEST_DATABASE_URL not set: using an embedded PostgreSQL (${handle.dataDir})\n`,
  );
}

async function assertReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL is set but PostgreSQL does not answer: ${error.message}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { createDataSource } from '../../src/persistence/data-source.factory.js';
import { revertAllMigrations, runMigrations } from '../../src/persistence/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const tablesOf = async (dataSource: DataSource): Promise<string[]> =>
  (
    await dataSource.query<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
  ).map((row) => row.table_name);

describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('create every state table on an empty database', async () => {
    const applied = await runMigrations(dataSource);

    expect(applied.length).toBeGreaterThan(0);
    expect(await tablesOf(dataSource)).toEqual(
      expect.arrayContaining([
        'deal_link',
        'oauth_token',
        'portal_budget',
        'portal_method_budget',
        'portal_method_claim',
        'sync_cursor',
        'sync_operation',
        'sync_run',
      ]),
    );
  });

  it('agree with the entities: generating a migration yields nothing', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();

    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('run down to an empty schema and up again', async () => {
    await revertAllMigrations(dataSource);
    expect(await tablesOf(dataSource)).toEqual(['typeorm_migrations']);

    await runMigrations(dataSource);
    expect(await tablesOf(dataSource)).toContain('sync_run');
  });

  it('migrate once when two processes start together', async () => {
    await revertAllMigrations(dataSource);
    const second = createDataSource(database.url);
    await second.initialize();
    try {
      const [first, other] = await Promise.all([runMigrations(dataSource), runMigrations(second)]);

      expect([first.length, other.length].sort((a, b) => a - b)).toEqual([0, MIGRATIONS.length]);
    } finally {
      await second.destroy();
    }
  });
});

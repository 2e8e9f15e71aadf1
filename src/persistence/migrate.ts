import type { DataSource, Migration } from 'typeorm';
import { withAdvisoryLock } from './advisory-lock.js';

export const MIGRATION_LOCK = 'migrations';

/** Runs pending migrations under an advisory lock, so replicas starting together never migrate twice. */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withAdvisoryLock(dataSource, MIGRATION_LOCK, () =>
    dataSource.runMigrations({ transaction: 'each' }),
  );
}

export async function revertAllMigrations(dataSource: DataSource): Promise<void> {
  await withAdvisoryLock(dataSource, MIGRATION_LOCK, async () => {
    while ((await executedCount(dataSource)) > 0) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
  });
}

async function executedCount(dataSource: DataSource): Promise<number> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const schema = (dataSource.options as { schema?: string }).schema;
  const qualified = schema ? `"${schema}"."${table}"` : `"${table}"`;
  const [row] = await dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${qualified}`);
  return row.n;
}

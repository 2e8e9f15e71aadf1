import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities/index.js';

export const MIGRATIONS_TABLE = 'typeorm_migrations';

/** The one data source definition, shared by the app, the tests and the TypeORM CLI. `synchronize` stays off. */
export function createDataSource(
  url: string,
  options: { schema?: string; applicationName?: string } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema: options.schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? 'erp-bitrix24-sync',
    extra: { max: 10 },
  });
}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PORTAL_BUDGET_STORE } from '../bitrix24/portal-budget.store.js';
import type { Secret } from '../config/secret.js';
import { createDataSource } from './data-source.factory.js';
import { runMigrations } from './migrate.js';
import { DealLinkRepository } from './deal-link.repository.js';
import { PortalBudgetRepository } from './portal-budget.repository.js';
import { SyncCursorRepository } from './sync-cursor.repository.js';
import { SyncLogRepository } from './sync-log.repository.js';
import { SyncOperationRepository } from './sync-operation.repository.js';
import { SyncOutcomeRepository } from './sync-outcome.repository.js';
import { SyncRunRepository } from './sync-run.repository.js';

const REPOSITORIES = [
  SyncRunRepository,
  SyncOperationRepository,
  SyncOutcomeRepository,
  DealLinkRepository,
  SyncCursorRepository,
  SyncLogRepository,
];

/** The state database: one data source, migrated under the advisory lock before anything else uses it. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(stateDatabaseUrl: Secret): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ type: 'postgres', retryAttempts: 3, retryDelay: 1000 }),
          dataSourceFactory: async () => {
            const dataSource = createDataSource(stateDatabaseUrl.reveal());
            await dataSource.initialize();
            await runMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [
        ...REPOSITORIES,
        PortalBudgetRepository,
        // The Bitrix24 client's budget, shared with every process on this state database.
        { provide: PORTAL_BUDGET_STORE, useExisting: PortalBudgetRepository },
      ],
      exports: [...REPOSITORIES, PortalBudgetRepository, PORTAL_BUDGET_STORE],
    };
  }
}

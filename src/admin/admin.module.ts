import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ErpModule } from '../erp/erp.module.js';
import { SyncConsoleRepository } from '../persistence/sync-console.repository.js';
import { AdminCommandsController } from './admin-commands.controller.js';
import { AdminCommandsService } from './admin-commands.service.js';
import { AdminAttentionService } from './admin-attention.service.js';
import { AdminConsoleController } from './admin-console.controller.js';
import { AdminConsoleService } from './admin-console.service.js';
import { AdminOverviewService } from './admin-overview.service.js';
import { AdminRetryController } from './admin-retry.controller.js';
import { AdminRetryService } from './admin-retry.service.js';
import { AdminMappingsController } from './admin-mappings.controller.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import { AdminRecordsController } from './admin-records.controller.js';
import { AdminRecordsService } from './admin-records.service.js';
import { AdminRunsController } from './admin-runs.controller.js';
import { AdminRunsService } from './admin-runs.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ErpHealthIndicator } from './erp.health.js';
import { HealthController } from './health.controller.js';
import { LogViewerController } from './log-viewer.controller.js';
import { SyncLogRetentionScheduler } from './retention/sync-log-retention.scheduler.js';
import { SyncLogRetentionService } from './retention/sync-log-retention.service.js';

export interface AdminModuleOptions {
  /**
   * The module that provides and exports `SyncService` (the engine, or a test double). Without it the
   * commands (resync, cancel, retry, attention retry) are not served; the read API, the viewer and health are.
   */
  readonly syncModule?: Type | DynamicModule;
}

/** Health, the authenticated admin API, the log viewer page and sync-log retention. */
@Module({})
export class AdminModule {
  static forRoot(options: AdminModuleOptions = {}): DynamicModule {
    const commands = options.syncModule
      ? {
          imports: [options.syncModule],
          controllers: [AdminCommandsController, AdminRetryController],
          providers: [AdminCommandsService, AdminRetryService],
        }
      : { imports: [], controllers: [], providers: [] };
    return {
      module: AdminModule,
      imports: [TerminusModule.forRoot({ logger: false }), ErpModule, ...commands.imports],
      controllers: [
        HealthController,
        LogViewerController,
        AdminRunsController,
        AdminRecordsController,
        AdminMappingsController,
        AdminConsoleController,
        ...commands.controllers,
      ],
      providers: [
        ErpHealthIndicator,
        AdminTokenGuard,
        AdminMappingsService,
        AdminRunsService,
        AdminRecordsService,
        AdminOverviewService,
        AdminAttentionService,
        AdminConsoleService,
        SyncConsoleRepository,
        SyncLogRetentionService,
        SyncLogRetentionScheduler,
        ...commands.providers,
      ],
    };
  }
}

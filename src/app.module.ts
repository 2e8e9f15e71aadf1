import { Module, ValidationPipe, type DynamicModule, type Type } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import type { DestinationStream } from 'pino';
import { AdminModule } from './admin/admin.module.js';
import { Bitrix24InstallModule } from './bitrix24/bitrix24-install.module.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.types.js';
import type { Secret } from './config/secret.js';
import { LoggingModule } from './logging/logging.module.js';
import type { SecretScrubber } from './logging/secret-scrubber.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { SyncModule } from './sync/sync.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  /** The configured DATABASE_URL or the embedded server's. */
  readonly stateDatabaseUrl: Secret;
  readonly scrubber: SecretScrubber;
  readonly logStream: DestinationStream;
  /** Replaces the engine (a module exporting SyncService), for specs of the admin API. @default SyncModule */
  readonly syncModule?: Type | DynamicModule;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const syncModule = options.syncModule ?? SyncModule;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule.forRoot(options.config, options.scrubber, options.logStream),
        PersistenceModule.forRoot(options.stateDatabaseUrl),
        ScheduleModule.forRoot(),
        MetricsModule,
        Bitrix24InstallModule,
        SchedulerModule.forRoot(syncModule),
        AdminModule.forRoot({ syncModule }),
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
      ],
    };
  }
}

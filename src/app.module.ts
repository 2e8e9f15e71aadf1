import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AdminModule } from './admin/admin.module.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.types.js';
import type { Secret } from './config/secret.js';
import { LoggingModule } from './logging/logging.module.js';
import type { SecretScrubber } from './logging/secret-scrubber.js';
import { PersistenceModule } from './persistence/persistence.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  /** The configured DATABASE_URL or the embedded server's. */
  readonly stateDatabaseUrl: Secret;
  readonly scrubber: SecretScrubber;
  readonly logStream: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule.forRoot(options.config, options.scrubber, options.logStream),
        PersistenceModule.forRoot(options.stateDatabaseUrl),
        AdminModule,
      ],
    };
  }
}

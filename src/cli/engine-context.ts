import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { QuietNestLogger } from '../logging/quiet-nest.logger.js';
import pino from 'pino';
import { openStateDatabase } from '../bootstrap/embedded-state-database.js';
import { ConfigModule } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { createLogStream } from '../logging/log-stream.js';
import { LoggingModule } from '../logging/logging.module.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { PersistenceModule } from '../persistence/persistence.module.js';
import { SyncModule } from '../sync/sync.module.js';

/**
 * The engine without HTTP or scheduler, for one-shot commands. Logs go to stderr so that stdout carries only
 * the command's own output (tables, `--json` lines).
 */
export async function withEngine<T>(
  config: AppConfig,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const scrubber = SecretScrubber.fromConfig(config);
  const logStream = createLogStream(config.log.format, scrubber, process.stderr);
  const logger = pino({ level: config.log.level, base: { context: 'Cli' } }, logStream);
  const state = await openStateDatabase(config, logger);
  scrubber.addDatabasePassword(state.url);

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(config, scrubber, logStream),
      PersistenceModule.forRoot(state.url),
      SyncModule,
    ],
  })
  class EngineModule {}

  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(EngineModule, { bufferLogs: true });
    app.useLogger(new QuietNestLogger(app.get(NestPinoLogger)));
    return await work(app);
  } finally {
    await app?.close();
    await state.stop();
  }
}

import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { openStateDatabase } from '../bootstrap/embedded-state-database.js';
import { ConfigModule } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { createLogStream, type LogSink } from '../logging/log-stream.js';
import { LoggingModule } from '../logging/logging.module.js';
import { PinoNestLogger } from '../logging/pino-nest.logger.js';
import { QuietNestLogger } from '../logging/quiet-nest.logger.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { PersistenceModule } from '../persistence/persistence.module.js';
import { SyncModule } from '../sync/sync.module.js';

/**
 * The engine without HTTP or scheduler, for one-shot commands. Logs go to stderr (through `logSink`) so that
 * stdout carries only the command's own output (tables, `--json` lines).
 */
export async function withEngine<T>(
  config: AppConfig,
  work: (app: INestApplicationContext) => Promise<T>,
  logSink: LogSink = process.stderr,
): Promise<T> {
  const scrubber = SecretScrubber.fromConfig(config);
  const logStream = createLogStream(config.log.format, scrubber, logSink);
  const logger = pino({ level: config.log.level, base: { context: 'Cli' } }, logStream);
  const state = await openStateDatabase(config, logger, { share: true });
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
    // abortOnError off: Nest would otherwise exit the process itself, before `finally` stops the database.
    app = await NestFactory.createApplicationContext(EngineModule, {
      bufferLogs: true,
      abortOnError: false,
      logger: new QuietNestLogger(new PinoNestLogger(pino({ level: config.log.level }, logStream))),
    });
    app.useLogger(new QuietNestLogger(app.get(NestPinoLogger)));
    return await work(app);
  } finally {
    await app?.close();
    await state.stop();
  }
}

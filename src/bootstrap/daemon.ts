import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import pino, { type Logger } from 'pino';
import { setupOpenApi } from '../admin/openapi.js';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/config.types.js';
import type { Secret } from '../config/secret.js';
import type { DemoSession } from '../demo/demo.js';
import { createLogStream, type LogSink } from '../logging/log-stream.js';
import { PinoNestLogger } from '../logging/pino-nest.logger.js';
import { QuietNestLogger } from '../logging/quiet-nest.logger.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { openStateDatabase } from './embedded-state-database.js';
import { noStoreHeaders, StateDatabaseDownFilter } from './http-guards.js';

export interface DaemonOptions {
  /** Where log lines go. @default process.stdout */
  readonly logSink?: LogSink;
  /** Base folder of the embedded database. @default process.cwd() */
  readonly cwd?: string;
  /** Provides SyncService to the admin commands; see AdminModuleOptions. */
  readonly syncModule?: Type | DynamicModule;
}

export interface RunningDaemon {
  readonly url: string;
  readonly app: NestExpressApplication;
  readonly logger: Logger;
  close(): Promise<void>;
}

/** Opens the state database, boots the Nest app and starts serving HTTP. */
export async function startDaemon(config: AppConfig, options: DaemonOptions = {}): Promise<RunningDaemon> {
  const scrubber = SecretScrubber.fromConfig(config);
  const logStream = createLogStream(config.log.format, scrubber, options.logSink ?? process.stdout);
  const logger = pino({ level: config.log.level, base: { context: 'Daemon' } }, logStream);
  const stateDatabase = await openStateDatabase(config, logger, { cwd: options.cwd });
  let demo: DemoSession | undefined;
  let app: NestExpressApplication | undefined;
  try {
    scrubber.addDatabasePassword(stateDatabase.url);
    demo = await prepareDemoIfAsked(config, stateDatabase.url, scrubber, options);
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        config: demo?.config ?? config,
        stateDatabaseUrl: stateDatabase.url,
        scrubber,
        logStream,
        syncModule: options.syncModule,
      }),
      // abortOnError off: Nest would otherwise exit the process itself, leaving the embedded database behind.
      {
        bufferLogs: true,
        abortOnError: false,
        logger: new QuietNestLogger(new PinoNestLogger(pino({ level: config.log.level }, logStream))),
      },
    );
    app.useLogger(new QuietNestLogger(app.get(NestPinoLogger)));
    app.disable('x-powered-by');
    app.use(noStoreHeaders);
    app.useGlobalFilters(new StateDatabaseDownFilter(app.getHttpAdapter()));
    setupOpenApi(app);
    await listen(app, config.http.port);
  } catch (error) {
    // The scheduler started with the app: close it, or the process would keep running mappings unseen.
    await app?.close().catch(() => undefined);
    await demo?.stop();
    await stateDatabase.stop();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://127.0.0.1:${port}`;
  logger.info(`Listening on ${url} (health: ${url}/health/ready)`);
  const running = demo?.config ?? config;
  logger.info(`Admin: ${url}/admin${running.adminToken ? '' : ' (set ADMIN_TOKEN to use it)'}`);
  reportMissingSettings(running, logger);
  await demo?.started(app, url);

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    logger,
    close: () =>
      (closing ??= app
        .close()
        .finally(() => demo?.stop())
        .finally(() => stateDatabase.stop())),
  };
}

async function listen(app: NestExpressApplication, port: number): Promise<void> {
  try {
    await app.listen(port, '0.0.0.0');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `PORT ${port} is already in use (another erp-bitrix24-sync, or another server): stop it or set PORT to a free port`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Demo mode only: otherwise the demo and the emulator are never loaded (DESIGN §2). */
async function prepareDemoIfAsked(
  config: AppConfig,
  stateDatabaseUrl: Secret,
  scrubber: SecretScrubber,
  options: DaemonOptions,
): Promise<DemoSession | undefined> {
  if (!config.demo) {
    return undefined;
  }
  const { prepareDemo } = await import('../demo/demo.js');
  return prepareDemo(config, { stateDatabaseUrl, scrubber, cwd: options.cwd, logSink: options.logSink });
}

function reportMissingSettings(config: AppConfig, logger: Logger): void {
  if (config.missingForSync.length === 0) {
    return;
  }
  logger.warn(
    `Not syncing yet — these settings are missing:\n${config.missingForSync.map((item) => `  - ${item}`).join('\n')}\n` +
      'See README.md, "Configuration".',
  );
}

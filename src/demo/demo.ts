import type { INestApplicationContext } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { AppConfig, WebhookAuthConfig } from '../config/config.types.js';
import { splitWebhookUrl } from '../config/env.schema.js';
import type { Secret } from '../config/secret.js';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';
import { createLogStream, type LogSink } from '../logging/log-stream.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { RunMode, RunTrigger } from '../persistence/entities/sync-run.entity.js';
import { SyncService } from '../sync/sync.service.js';
import { DEMO_TOKEN_FILE, loadOrCreateDemoToken } from './demo-admin-token.js';
import { formatDemoBanner } from './demo-banner.js';
import { DEMO_ERP_DATABASE, DemoErpDatabase } from './demo-erp.database.js';
import { DEMO_CUSTOMERS_MAPPING_NAME, DEMO_MAPPING_NAME, demoMappings } from './demo-mapping.js';
import { generateOrders } from './demo-orders.js';
import { seededRandom } from './demo-random.js';
import { forgetDemoLinks } from './demo-state.js';
import { DEFAULT_CHANGE_EVERY_MS, DemoChanger } from './demo.changer.js';

/** Orders of a fresh demo: enough to show batching, few enough for a first run of seconds at 2/50. */
export const DEMO_SEED_ORDERS = 400;
const SEED = 20_261_128;

export interface DemoOptions {
  /** The state database (embedded, or DATABASE_URL); the demo ERP database goes on the same server. */
  readonly stateDatabaseUrl: Secret;
  /** Learns the emulator's webhook secret and the admin token, like every other secret. */
  readonly scrubber: SecretScrubber;
  /** Working folder; the generated admin token is kept in its `.data/`. @default process.cwd() */
  readonly cwd?: string;
  /** Where log lines go. @default process.stdout */
  readonly logSink?: LogSink;
  /** Time between two rounds of ERP edits. @default 20_000 */
  readonly changeEveryMs?: number;
}

export interface DemoSession {
  /** The daemon's config with the demo's ERP database, portal, mapping and admin token. */
  readonly config: AppConfig;
  /** Once the daemon listens: prints the banner, requests the first run, starts the ERP edits. */
  started(app: INestApplicationContext, url: string): Promise<void>;
  /** Stops the edits and the emulated portal; call after the app has closed. */
  stop(): Promise<void>;
}

/** Starts what the demo needs (ERP database with orders, emulated portal) and derives the config to run. */
export async function prepareDemo(config: AppConfig, options: DemoOptions): Promise<DemoSession> {
  const logger = pino(
    { level: config.log.level, base: { context: 'Demo' } },
    createLogStream(config.log.format, options.scrubber, options.logSink ?? process.stdout),
  );
  warnIfConfigured(config, logger);
  const { erp } = await DemoErpDatabase.open(options.stateDatabaseUrl, () =>
    generateOrders(DEMO_SEED_ORDERS, 1, new Date().toISOString().slice(0, 10), seededRandom(SEED)),
  );
  let emulator: RunningEmulator | undefined;
  try {
    // The emulated portal starts empty: links of both mappings would point at records it no longer has.
    const forgotten = await forgetDemoLinks(options.stateDatabaseUrl, DEMO_CUSTOMERS_MAPPING_NAME);
    if ((await forgetDemoLinks(options.stateDatabaseUrl, DEMO_MAPPING_NAME)) + forgotten > 0) {
      logger.info('The emulated portal starts empty: the first run loads all demo orders again');
    }
    emulator = await startEmulator({ rateLimit: config.bitrix24.rateLimit });
    return new Demo(config, options, { erp, emulator, logger });
  } catch (error) {
    await Promise.allSettled([emulator?.close(), erp.close()]);
    throw error;
  }
}

class Demo implements DemoSession {
  readonly config: AppConfig;
  private readonly generatedToken: Secret | undefined;
  private readonly changer: DemoChanger;

  constructor(
    private readonly base: AppConfig,
    private readonly options: DemoOptions,
    private readonly parts: { erp: DemoErpDatabase; emulator: RunningEmulator; logger: Logger },
  ) {
    const auth: WebhookAuthConfig = Object.freeze({
      kind: 'webhook',
      ...splitWebhookUrl(parts.emulator.webhookUrl),
    });
    this.generatedToken = base.adminToken ? undefined : loadOrCreateDemoToken(options.cwd ?? process.cwd());
    options.scrubber.add(auth.secret);
    options.scrubber.add(this.generatedToken);
    this.config = Object.freeze({
      ...base,
      erpDatabase: Object.freeze({ url: parts.erp.url, dialect: 'postgres' as const }),
      bitrix24: Object.freeze({ ...base.bitrix24, auth }),
      adminToken: base.adminToken ?? this.generatedToken,
      mappings: demoMappings(),
      missingForSync: Object.freeze([]),
    });
    this.changer = new DemoChanger(parts.erp, parts.logger, { everyMs: options.changeEveryMs });
  }

  async started(app: INestApplicationContext, url: string): Promise<void> {
    await this.printBanner(`${url}/admin`);
    try {
      await app.get(SyncService, { strict: false }).requestRun({
        mapping: DEMO_MAPPING_NAME,
        mode: RunMode.Incremental,
        trigger: RunTrigger.Manual,
        requestedBy: 'demo start',
      });
    } catch (error) {
      this.parts.logger.error(`The first demo run could not be queued: ${(error as Error).message}`);
    }
    this.changer.start();
  }

  async stop(): Promise<void> {
    await this.changer.stop();
    await Promise.allSettled([this.parts.emulator.close(), this.parts.erp.close()]);
  }

  /** The banner carries the admin token on purpose: its line skips the secret scrubber. */
  private async printBanner(adminUrl: string): Promise<void> {
    const stream = createLogStream(
      this.base.log.format,
      new SecretScrubber(),
      this.options.logSink ?? process.stdout,
    );
    const banner = formatDemoBanner({
      adminUrl,
      token: this.generatedToken?.reveal(),
      tokenFile: DEMO_TOKEN_FILE,
      portalUrl: this.parts.emulator.url,
      orders: await this.parts.erp.countOrders(),
      database: DEMO_ERP_DATABASE,
      embedded: this.base.stateDatabaseUrl === undefined,
      nothingConfigured: !somethingConfigured(this.base),
      mapping: DEMO_MAPPING_NAME,
      changeEverySeconds: Math.round((this.options.changeEveryMs ?? DEFAULT_CHANGE_EVERY_MS) / 1000),
    });
    pino({ level: this.base.log.level, base: { context: 'Demo' } }, stream).info(banner);
  }
}

function somethingConfigured(config: AppConfig): boolean {
  return config.erpDatabase !== undefined || config.bitrix24.auth !== undefined || config.mappings.length > 0;
}

function warnIfConfigured(config: AppConfig, logger: Logger): void {
  if (somethingConfigured(config)) {
    logger.warn(
      'DEMO=on: the demo uses its own ERP database, portal and mapping; ERP_DATABASE_URL, BITRIX24_* and the mapping file are ignored',
    );
  }
}

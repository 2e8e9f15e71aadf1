import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { Bitrix24Client, type Bitrix24ClientOptions } from '../../../src/bitrix24/bitrix24.client.js';
import { PORTAL_BUDGET_STORE, type PortalBudgetStore } from '../../../src/bitrix24/portal-budget.store.js';
import { APP_CONFIG, ConfigModule } from '../../../src/config/config.module.js';
import type { AppConfig } from '../../../src/config/config.types.js';
import { Secret } from '../../../src/config/secret.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js';
import { RunMode, RunTrigger, SyncRun } from '../../../src/persistence/entities/sync-run.entity.js';
import { PersistenceModule } from '../../../src/persistence/persistence.module.js';
import { SyncService } from '../../../src/sync/sync.service.js';
import { SyncModule } from '../../../src/sync/sync.module.js';
import { buildTestConfig } from '../../support/config.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { ErpOrders, ORDERS_MAPPING } from './erp-orders.js';

/** Emulator time runs this much faster: the default 2/s limit, compressed for the suite. */
export const CLOCK_SPEED = 25;

export interface SyncHarness {
  readonly emulator: RunningEmulator;
  readonly erp: ErpOrders;
  readonly state: TestDatabase;
  readonly config: AppConfig;
  readonly module: TestingModule;
  readonly sync: SyncService;
  readonly dataSource: DataSource;
  /** The engine's Bitrix24 client (the one Bitrix24Module built from the config). */
  readonly client: Bitrix24Client;
  run(mode?: RunMode, extra?: { erpKeys?: string[]; dryRun?: boolean }): Promise<SyncRun>;
  /** Waits until the run (queued by `sync.requestRun` or `sync.retry`) has finished. */
  waitForRun(runId: number): Promise<SyncRun>;
  /** Deal writes (add/update/delete, inside batches too) the portal applied so far. */
  writes(): number;
  /** Closes the module and drops the state database; the emulator and ERP only if this harness made them. */
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly rows: number;
  readonly mappingYaml?: string;
  readonly emulator?: EmulatorOptions;
  /**
   * Another harness's portal and ERP (e.g. a fresh state database against the same portal, as after a
   * lost state database); `rows` and `emulator` are then ignored, and `close` leaves them running.
   */
  readonly shared?: {
    readonly emulator: RunningEmulator;
    readonly erp: ErpOrders;
    /** Also the state database: a second engine (another process, a replica) on the same state. */
    readonly state?: TestDatabase;
  };
  /** Environment on top of the harness's own (e.g. `BITRIX24_RATE_LIMIT`, `RUN_LEASE_TTL`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Another ERP database for the engine to read (e.g. MariaDB); `erp` then stays an empty PostgreSQL one. */
  readonly erpUrl?: string;
  /** The webhook URL the engine calls, e.g. through a proxy in front of the emulator. @default emulator.webhookUrl */
  readonly webhookUrl?: (emulator: RunningEmulator) => string;
  /** Client options over the ones the config gives (timeouts, outage patience, a scaled clock, the budget's limit). */
  readonly client?: Pick<Bitrix24ClientOptions, 'retry' | 'transport' | 'clock' | 'operating'>;
}

const RUN_POLL_MS = 50;

export async function startSyncHarness(options: HarnessOptions): Promise<SyncHarness> {
  const emulator =
    options.shared?.emulator ??
    (await startEmulator({
      clockSpeed: CLOCK_SPEED,
      // Cheap simulated calls: a compressed clock must not turn a 10,000-deal load into an operating-limit test.
      operating: { methodCostSeconds: { '*': 0.005 } },
      ...options.emulator,
    }));
  const erp = options.shared?.erp ?? (await ErpOrders.create(options.rows));
  const state = options.shared?.state ?? (await createTestDatabase('state'));
  const config = buildTestConfig(
    {
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: options.erpUrl ?? erp.url,
      BITRIX24_WEBHOOK_URL: options.webhookUrl?.(emulator) ?? emulator.webhookUrl,
      BITRIX24_RATE_LIMIT: `${2 * CLOCK_SPEED}/50`,
      ...options.env,
    },
    options.mappingYaml ?? ORDERS_MAPPING(),
  );

  Logger.overrideLogger(process.env.SYNC_SPEC_LOGS ? ['log', 'warn', 'error'] : false);
  const builder = Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(new Secret(state.url)), SyncModule],
  });
  const client = options.client;
  const module = await (
    client
      ? builder.overrideProvider(Bitrix24Client).useFactory({
          inject: [APP_CONFIG, PORTAL_BUDGET_STORE],
          factory: (app: AppConfig, budgetStore: PortalBudgetStore) =>
            new Bitrix24Client({
              auth: app.bitrix24.auth,
              rateLimit: app.bitrix24.rateLimit,
              budgetStore,
              logger: new Logger(Bitrix24Client.name),
              ...client,
            }),
        })
      : builder
  ).compile();
  await module.init();
  const sync = module.get(SyncService);
  const dataSource = module.get<DataSource>(getDataSourceToken());
  const waitForRun = async (runId: number): Promise<SyncRun> => {
    for (;;) {
      const run = await dataSource.getRepository(SyncRun).findOneBy({ id: runId });
      if (run?.finishedAt) {
        return run;
      }
      await sleep(RUN_POLL_MS);
    }
  };
  return {
    emulator,
    erp,
    state,
    config,
    module,
    sync,
    dataSource,
    client: module.get(Bitrix24Client, { strict: false }),
    run: (mode = RunMode.Incremental, extra = {}) =>
      sync.runAndWait({ mapping: config.mappings[0].name, mode, trigger: RunTrigger.Manual, ...extra }),
    waitForRun,
    writes: () => emulator.stats().writes,
    async close() {
      await module.close();
      if (!options.shared) {
        await emulator.close();
        await erp.close();
      }
      if (!options.shared?.state) {
        await state.drop();
      }
    },
  };
}

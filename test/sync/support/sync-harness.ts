import { Global, Logger, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Bitrix24Client } from '../../../src/bitrix24/bitrix24.client.js';
import { CrmDealGateway } from '../../../src/bitrix24/crm-deal.gateway.js';
import { ConfigModule } from '../../../src/config/config.module.js';
import type { AppConfig } from '../../../src/config/config.types.js';
import { Secret } from '../../../src/config/secret.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js';
import { RunMode, RunTrigger, type SyncRun } from '../../../src/persistence/entities/sync-run.entity.js';
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
  run(mode?: RunMode, extra?: { erpKeys?: string[]; dryRun?: boolean }): Promise<SyncRun>;
  /** Deal writes (add/update/delete, inside batches too) the portal applied so far. */
  writes(): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly rows: number;
  readonly mappingYaml?: string;
  readonly emulator?: EmulatorOptions;
}

export async function startSyncHarness(options: HarnessOptions): Promise<SyncHarness> {
  const emulator = await startEmulator({ clockSpeed: CLOCK_SPEED, ...options.emulator });
  const erp = await ErpOrders.create(options.rows);
  const state = await createTestDatabase('state');
  const config = buildTestConfig(
    {
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: erp.url,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      BITRIX24_RATE_LIMIT: `${2 * CLOCK_SPEED}/50`,
    },
    options.mappingYaml ?? ORDERS_MAPPING(),
  );
  const client = new Bitrix24Client({ auth: config.bitrix24.auth, rateLimit: config.bitrix24.rateLimit });

  @Global()
  @Module({
    providers: [{ provide: CrmDealGateway, useValue: new CrmDealGateway(client) }],
    exports: [CrmDealGateway],
  })
  class PortalModule {}

  Logger.overrideLogger(process.env.SYNC_SPEC_LOGS ? ['log', 'warn', 'error'] : false);
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      PersistenceModule.forRoot(new Secret(state.url)),
      PortalModule,
      SyncModule,
    ],
  }).compile();
  await module.init();
  const sync = module.get(SyncService);
  return {
    emulator,
    erp,
    state,
    config,
    module,
    sync,
    dataSource: module.get<DataSource>(getDataSourceToken()),
    run: (mode = RunMode.Incremental, extra = {}) =>
      sync.runAndWait({ mapping: config.mappings[0].name, mode, trigger: RunTrigger.Manual, ...extra }),
    writes: () => emulator.stats().writes,
    async close() {
      await module.close();
      await client.close();
      await emulator.close();
      await erp.close();
      await state.drop();
    },
  };
}

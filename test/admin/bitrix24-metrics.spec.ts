import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { Bitrix24MetricsBridge } from '../../src/metrics/bitrix24-metrics.bridge.js';
import { SyncMetrics } from '../../src/metrics/sync.metrics.js';
import { SyncLogRepository } from '../../src/persistence/sync-log.repository.js';
import { buildTestConfig } from '../support/config.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';

describe(Bitrix24MetricsBridge.name, () => {
  let emulator: RunningEmulator;
  let db: TestDataSource;
  let client: Bitrix24Client;
  let metrics: SyncMetrics;

  beforeAll(async () => {
    emulator = await startEmulator();
    db = await createMigratedDataSource();
    const config = buildTestConfig({ BITRIX24_WEBHOOK_URL: emulator.webhookUrl });
    client = new Bitrix24Client({ auth: config.bitrix24.auth });
    metrics = new SyncMetrics(new SyncLogRepository(db.dataSource), config);
    new Bitrix24MetricsBridge(client, metrics).onModuleInit();
  });

  afterAll(async () => {
    await client.close();
    await emulator.close();
    await db.close();
  });

  it('counts Bitrix24 requests by method and outcome, naming empty error codes', async () => {
    await client.call('crm.deal.fields');
    await client.call('crm.deal.add', { fields: { TITLE: 'x', CURRENCY_ID: 'XXX' } }).catch(() => undefined);

    const text = await metrics.scrape();

    expect(text).toMatch(/bitrix24_requests_total\{method="crm\.deal\.fields",status="200"\} 1/);
    expect(text).toMatch(/bitrix24_requests_total\{method="crm\.deal\.add",status="empty_code"\} 1/);
  });
});

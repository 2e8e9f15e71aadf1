import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { lastJsonLine, spawnCli } from './support/cli-child.js';
import {
  addCustomers,
  addLinkedOrders,
  addOrderLines,
  CUSTOMERS_MAPPING,
  ORDERS_WITH_LINES_MAPPING,
} from './support/erp-graph.js';
import { ErpOrders } from './support/erp-orders.js';

const ORDERS = 120;
const CUSTOMERS = 30;

describe('plan --json of a deal mapping linked to companies, with product rows', () => {
  let emulator: RunningEmulator;
  let erp: ErpOrders;
  let state: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator();
    erp = await ErpOrders.create(ORDERS);
    await addCustomers(erp, CUSTOMERS);
    await addLinkedOrders(erp, 0, CUSTOMERS);
    await addOrderLines(erp, 3);
    state = await createTestDatabase('plan-graph');
    const syncConfig = join(mkdtempSync(join(tmpdir(), 'plan-graph-')), 'sync.config.yaml');
    writeFileSync(
      syncConfig,
      `mappings:\n${ORDERS_WITH_LINES_MAPPING({ linkCustomers: true, name: 'orders-plan', customers: 'customers-plan' })}` +
        CUSTOMERS_MAPPING({ name: 'customers-plan' }),
    );
    env = {
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: erp.url,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      SYNC_CONFIG: syncConfig,
      LOG_LEVEL: 'warn',
      DEMO: 'off',
    };
  });

  afterAll(async () => {
    await state?.drop();
    await erp?.close();
    await emulator?.close();
  });

  it('keeps the summary keys and adds counts per entity: parents synced first, product-row sets', async () => {
    const exit = await spawnCli(['plan', '--mapping', 'orders-plan', '--json'], env).exited;

    expect({ code: exit.code, stderr: exit.stderr }).toMatchObject({ code: 0 });
    expect(lastJsonLine(exit.stdout)).toEqual({
      creates: ORDERS,
      updates: 0,
      deletes: 0,
      unchanged: 0,
      failed: 0,
      entities: {
        deal: { creates: ORDERS, updates: 0, deletes: 0 },
        company: { syncedFirst: CUSTOMERS },
        productRows: { sets: ORDERS },
      },
    });
    expect(emulator.stats().writes).toBe(0);
  }, 120_000);
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { CrmEntityGateway } from '../../src/bitrix24/crm-entity.gateway.js';
import type { DealWriteOutcome } from '../../src/bitrix24/crm-entity.types.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { webhookClient } from './support/emulator-client.js';
import { setOnlyFaults } from './support/faults.js';

const draft = (originId: string, extra: Record<string, string> = {}) => ({
  TITLE: `Order ${originId}`,
  ORIGINATOR_ID: 'erp',
  ORIGIN_ID: originId,
  STAGE_ID: 'PREPARATION',
  CURRENCY_ID: 'USD',
  OPPORTUNITY: '12.50',
  UF_CRM_ERP_NUMBER: `SO${originId}`,
  ...extra,
});

const LIMIT_SECONDS = 10;
const idOf = (outcome: DealWriteOutcome) => (outcome.status === 'ok' ? outcome.dealId : 0);

describe(`${CrmEntityGateway.name}: creates over target.createVia`, () => {
  let emulator: RunningEmulator;
  let client: Bitrix24Client;
  let gateway: CrmEntityGateway;

  beforeAll(async () => {
    emulator = await startEmulator({
      operating: { limitSeconds: LIMIT_SECONDS, methodCostSeconds: { '*': 0.1 } },
    });
  });
  beforeEach(() => {
    client = webhookClient(emulator, { operating: { limitSeconds: LIMIT_SECONDS } });
    gateway = new CrmEntityGateway(client);
  });
  afterEach(async () => {
    await client.close();
    setOnlyFaults(emulator);
    emulator.reset();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each([['crm.item.add' as const], ['crm.item.batchImport' as const]])(
    'creates deals by %s with the same fields, user fields and product rows as crm.deal.add',
    async (method) => {
      const drafts = Array.from({ length: 25 }, (_, index) => draft(`${index}`));
      const rows = drafts.map((_, index) =>
        index % 2 === 0 ? [{ PRODUCT_NAME: `Line ${index}`, PRICE: '10.50', QUANTITY: '2' }] : undefined,
      );

      const outcomes = await gateway.createMany(drafts, { productRows: rows, createVia: [method] });

      expect(outcomes.map((outcome) => outcome.status)).toEqual(drafts.map(() => 'ok'));
      expect(emulator.stats().callsByMethod[method.toLowerCase()]).toBe(method === 'crm.item.add' ? 25 : 2);
      expect(emulator.stats().callsByMethod['crm.deal.add']).toBeUndefined();
      for (const [index, outcome] of outcomes.entries()) {
        const deal = emulator.deals().find((one) => Number(one.ID) === idOf(outcome));
        expect(deal).toMatchObject({
          TITLE: `Order ${index}`,
          ORIGINATOR_ID: 'erp',
          ORIGIN_ID: `${index}`,
          STAGE_ID: 'PREPARATION',
          CURRENCY_ID: 'USD',
          UF_CRM_ERP_NUMBER: `SO${index}`,
        });
        expect(emulator.productRows(idOf(outcome)).map((row) => row.PRODUCT_NAME)).toEqual(
          index % 2 === 0 ? [`Line ${index}`] : [],
        );
      }
      expect(emulator.stats().automationRuns).toBe(method === 'crm.item.add' ? 25 : 0);
    },
  );

  it('reports an imported deal the portal refused on its own, the others of its call created', async () => {
    const outcomes = await gateway.createMany([draft('1'), draft('2', { CURRENCY_ID: 'NOPE' }), draft('3')], {
      createVia: ['crm.item.batchImport'],
    });

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ok', 'failed', 'ok']);
    expect(emulator.deals()).toHaveLength(2);
  });

  it('spreads creates over the methods by what each budget still pays for, below the slow-down share first', async () => {
    const via = ['crm.deal.add', 'crm.item.add', 'crm.item.batchImport'] as const;
    // Before any answer nothing is known: every create goes the preferred way (6 of 8 s below slow-down).
    await gateway.createMany(
      Array.from({ length: 60 }, (_, index) => draft(`a${index}`)),
      { createVia: via },
    );
    expect(emulator.stats().callsByMethod).toMatchObject({ 'crm.deal.add': 60 });

    const outcomes = await gateway.createMany(
      Array.from({ length: 120 }, (_, index) => draft(`b${index}`)),
      { createVia: via },
    );

    expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
    // crm.deal.add has 2 s left below 8 s (20 deals); crm.item.add is costed like crm.deal.add (80); the rest imported.
    expect(emulator.stats().callsByMethod).toMatchObject({
      'crm.deal.add': 80,
      'crm.item.add': 80,
      'crm.item.batchimport': 1,
    });
    expect(emulator.deals()).toHaveLength(180);
    expect(emulator.stats().operatingLimitExceeded).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunStatus, RunTrigger, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { ORDERS_MAPPING } from './support/erp-orders.js';
import { dealsByOrigin, linkTable, operationsOf, type LinkRow } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 20;
const BAD_KEY = '5';
const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 1000;
const PORTAL_MESSAGE = 'Invalid value for the Currency field';

describe('a row Bitrix24 refuses', () => {
  let harness: SyncHarness;
  let parkingRun: SyncRun;

  beforeAll(async () => {
    harness = await startSyncHarness({
      rows: ROWS,
      mappingYaml: ORDERS_MAPPING({ retry: { maxAttempts: MAX_ATTEMPTS, backoff: '1s' } }),
    });
    // Written long before the other rows (beyond the mapping's 1m lookback): once the cursor has passed it,
    // an incremental run reads the row again only as a retry.
    await harness.erp.query(
      `UPDATE sale_order SET currency = 'XXX', write_date = write_date - interval '1 hour' WHERE id = $1`,
      [Number(BAD_KEY)],
    );
  });

  afterAll(() => harness?.close());

  const badLink = async (): Promise<LinkRow | undefined> =>
    (await linkTable(harness.dataSource)).get(BAD_KEY);
  const badOperations = async (run: SyncRun) =>
    (await operationsOf(harness.dataSource, run.id)).filter((operation) => operation.erp_key === BAD_KEY);
  /** The retry delay the engine scheduled with the link's last failure. */
  const scheduledDelayMs = (link: LinkRow | undefined) =>
    (link?.retryAt?.getTime() ?? NaN) - (link?.updatedAt.getTime() ?? NaN);
  const waitForRetryTime = async () => {
    const retryAt = (await badLink())?.retryAt?.getTime() ?? Date.now();
    await sleep(Math.max(0, retryAt - Date.now()) + 20);
  };

  it("is recorded as a failed operation with the portal's message while the other rows go on", async () => {
    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.PartiallyFailed, created: ROWS - 1, failed: 1 });
    expect(await badOperations(run)).toEqual([
      expect.objectContaining({
        action: 'create',
        status: 'failed',
        attempt: 1,
        error_message: expect.stringContaining(PORTAL_MESSAGE),
      }),
    ]);
    expect(dealsByOrigin(harness.emulator).has(BAD_KEY)).toBe(false);
    const link = await badLink();
    expect(link).toMatchObject({ dealId: null, failedAttempts: 1, parked: false });
    expect(scheduledDelayMs(link)).toBe(BACKOFF_MS);
  });

  it('is sent again by a later run once its backoff is over, although the ERP row did not change', async () => {
    await waitForRetryTime();

    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.PartiallyFailed, created: 0, failed: 1 });
    expect(await badOperations(run)).toEqual([
      expect.objectContaining({ action: 'create', status: 'failed', attempt: 1 }),
    ]);
    const link = await badLink();
    expect(link).toMatchObject({ failedAttempts: 2, parked: false });
    expect(scheduledDelayMs(link)).toBe(2 * BACKOFF_MS);
  });

  it(`is parked after retry.maxAttempts = ${MAX_ATTEMPTS} failures, and then waits for an operator`, async () => {
    await waitForRetryTime();
    parkingRun = await harness.run();

    expect(await badOperations(parkingRun)).toEqual([
      expect.objectContaining({ status: 'parked', error_message: expect.stringContaining(PORTAL_MESSAGE) }),
    ]);
    expect(await badLink()).toMatchObject({ failedAttempts: MAX_ATTEMPTS, parked: true });

    // Its retry time passes: parking, not the clock, keeps it out of later runs.
    await harness.dataSource.query(`UPDATE deal_link SET retry_at = now() - interval '1 minute'`);
    const later = await harness.run();

    expect(later).toMatchObject({ status: RunStatus.Succeeded, failed: 0 });
    expect(await badOperations(later)).toEqual([]);
    expect(dealsByOrigin(harness.emulator).has(BAD_KEY)).toBe(false);
  });

  it('is sent again when an operator retries the run that parked it', async () => {
    // Fixed in the ERP without touching write_date: only the retry reads the row again.
    await harness.erp.query(`UPDATE sale_order SET currency = 'USD' WHERE id = $1`, [Number(BAD_KEY)]);

    const retry = await harness.waitForRun(await harness.sync.retry(parkingRun.id));

    expect(retry).toMatchObject({
      trigger: RunTrigger.Retry,
      erpKeys: [BAD_KEY],
      status: RunStatus.Succeeded,
      created: 1,
    });
    const [deal] = dealsByOrigin(harness.emulator).get(BAD_KEY) ?? [];
    expect(deal).toMatchObject({ CURRENCY_ID: 'USD' });
    expect(await badLink()).toMatchObject({
      dealId: Number(deal.ID),
      failedAttempts: 0,
      parked: false,
      lastError: null,
    });
  });
});

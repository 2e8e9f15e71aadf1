import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger, type LoggerService } from '@nestjs/common';
import { RunStatus, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { ORDERS_MAPPING } from './support/erp-orders.js';
import { PortalProxy } from './support/portal-proxy.js';
import { dealsByOrigin, exactlyOnce, stateQueryOf, syncIntegrity } from './support/sync-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const ROWS = 60;
const MAX_ATTEMPTS = 3;
const OUTAGE_RUNS = 4;
/** Short enough for the suite; the defaults (30 s each) are in docs/bitrix24-client.md. */
const CLIENT = { retry: { patienceMs: 5_000 }, transport: { requestTimeoutMs: 5_000 } };

/** Error-level log lines, as an operator's log would show them. */
class ErrorLines implements LoggerService {
  readonly lines: string[] = [];
  log(): void {}
  warn(): void {}
  error(message: unknown): void {
    this.lines.push(String(message));
  }
}

describe('a sync while the portal is unreachable', () => {
  let harness: SyncHarness;
  let proxy: PortalProxy;
  let errors: ErrorLines;
  let rows = ROWS;

  beforeAll(async () => {
    proxy = await PortalProxy.start();
    harness = await startSyncHarness({
      rows: ROWS,
      mappingYaml: ORDERS_MAPPING({ retry: { maxAttempts: MAX_ATTEMPTS, backoff: '1ms' } }),
      webhookUrl: (emulator) => proxy.front(emulator.webhookUrl),
      client: CLIENT,
    });
    expect(await harness.run()).toMatchObject({ status: RunStatus.Succeeded, created: ROWS });
  });

  beforeEach(() => {
    errors = new ErrorLines();
    Logger.overrideLogger(errors);
  });

  afterAll(async () => {
    await harness?.close();
    await proxy?.close();
  });

  /** Changes `updated` synced orders and adds `added` new ones. */
  const changeErp = async (updated: number, added: number) => {
    await harness.erp.query(
      `UPDATE sale_order SET amount_total = amount_total + 1000, name = name || '-v2', write_date = clock_timestamp()
        WHERE id IN (SELECT id FROM sale_order ORDER BY random() LIMIT $1)`,
      [updated],
    );
    await harness.erp.insert(added);
    rows += added;
  };
  const query = <T>(sql: string) => harness.dataSource.query<T[]>(sql);
  const rowFailures = async () =>
    (
      await query<{ failedLinks: number; parkedLinks: number; failedOperations: number }>(
        `SELECT (SELECT count(*)::int FROM deal_link WHERE failed_attempts > 0) AS "failedLinks",
                (SELECT count(*)::int FROM deal_link WHERE parked) AS "parkedLinks",
                (SELECT count(*)::int FROM sync_operation WHERE status IN ('failed', 'parked')) AS "failedOperations"`,
      )
    )[0];
  const cursor = () => query<{ value: string; erp_key: string }>(`SELECT value, erp_key FROM sync_cursor`);
  const oldestOpen = async () =>
    (
      await query<{ open: number; oldest: Date | null }>(
        `SELECT count(*)::int AS open, min(created_at) AS oldest FROM sync_operation WHERE status IN ('pending', 'in_flight')`,
      )
    )[0];
  const runsWhile = async (count: number): Promise<SyncRun[]> => {
    const runs: SyncRun[] = [];
    for (let index = 0; index < count; index++) {
      runs.push(await harness.run());
    }
    return runs;
  };
  const expectFailedAsUnreachable = (runs: readonly SyncRun[]) => {
    expect(runs.map((run) => run.status)).toEqual(runs.map(() => RunStatus.Failed));
    for (const run of runs) {
      expect(run.error).toMatch(/^Bitrix24 unreachable: /);
      expect(run.failed).toBe(0);
    }
    // Reported once per run: the run's own summary, not a line per row.
    expect(errors.lines).toHaveLength(runs.length);
  };
  /** Every ERP row has exactly one deal, holding the row's current values. */
  const expectPortalMatchesErp = async () => {
    expect(await syncIntegrity(harness.emulator, stateQueryOf(harness.dataSource))).toEqual(
      exactlyOnce(rows),
    );
    const orders = await harness.erp.query<{
      id: number;
      name: string;
      partner_name: string;
      amount_total: string;
    }>(`SELECT id, name, partner_name, amount_total FROM sale_order`);
    const deals = dealsByOrigin(harness.emulator);
    const stale = orders.filter((order) => {
      const [deal] = deals.get(String(order.id)) ?? [];
      return (
        deal?.TITLE !== `${order.name} ${order.partner_name}` ||
        Number(deal.OPPORTUNITY) !== Number(order.amount_total)
      );
    });
    expect(stale.map((order) => order.id)).toEqual([]);
  };

  it(`fails ${OUTAGE_RUNS} runs while the portal refuses connections, and no row spends an attempt`, async () => {
    await changeErp(20, 10);
    const cursorBefore = await cursor();
    await proxy.set('refuse');

    const first = await harness.run();
    const waiting = await oldestOpen();
    const later = await runsWhile(OUTAGE_RUNS - 1);

    expectFailedAsUnreachable([first, ...later]);
    expect(await rowFailures()).toEqual({ failedLinks: 0, parkedLinks: 0, failedOperations: 0 });
    expect(await cursor()).toEqual(cursorBefore);
    // The changes keep waiting as they were planned: their age (oldest_unsynced_change_seconds) keeps growing.
    expect(waiting.open).toBe(30);
    expect(await oldestOpen()).toEqual(waiting);
  });

  it('syncs every change on the first run after the portal is back', async () => {
    await proxy.set('open');

    const run = await harness.run();

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: 10, updated: 20, failed: 0 });
    await expectPortalMatchesErp();
  });

  it('ends a run against a portal that takes requests and never answers, failing no row', async () => {
    await changeErp(10, 5);
    await proxy.set('hang');

    const runs = await runsWhile(2);

    expectFailedAsUnreachable(runs);
    expect(await rowFailures()).toEqual({ failedLinks: 0, parkedLinks: 0, failedOperations: 0 });

    await proxy.set('open');
    expect(await harness.run()).toMatchObject({ status: RunStatus.Succeeded, failed: 0 });
    await expectPortalMatchesErp();
  });

  it('ends a run through a storm of 5xx answers, failing no row', async () => {
    await changeErp(10, 5);
    harness.emulator.setFaults({ serverErrorRate: 1 });

    const runs = await runsWhile(2);

    expectFailedAsUnreachable(runs);
    expect(await rowFailures()).toEqual({ failedLinks: 0, parkedLinks: 0, failedOperations: 0 });

    harness.emulator.setFaults({ serverErrorRate: 0 });
    expect(await harness.run()).toMatchObject({ status: RunStatus.Succeeded, failed: 0 });
    await expectPortalMatchesErp();
  });
});

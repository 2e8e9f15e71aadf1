import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { OperationAction, OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { RunMode, RunStatus, type SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { ADMIN_TOKEN, startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { browserAvailable, openBrowser, type BrowserSession } from './support/browser.js';
import { ago, seedLink, seedOperation, seedRun } from './support/sync-log.factory.js';

const FAILURE_REASON = 'Stage "SHIPPED" does not exist in funnel 0';
const HOSTILE_KEY = '<img src=x onerror="window.__pwned=1">';

(browserAvailable() ? describe : describe.skip)('the log viewer in a browser', () => {
  let admin: AdminDaemon;
  let browser: BrowserSession;
  let context: BrowserContext;
  let page: Page;
  let partial: SyncRun;
  let running: SyncRun;

  beforeAll(async () => {
    admin = await startAdminDaemon();
    const ds = admin.dataSource;
    partial = await seedRun(ds, { status: RunStatus.PartiallyFailed, updated: 1, failed: 1 });
    await seedOperation(ds, partial, { erpKey: '41' });
    await seedOperation(ds, partial, {
      erpKey: '42',
      status: OperationStatus.Failed,
      dealId: 7001,
      changes: { STAGE_ID: { old: 'EXECUTING', new: 'SHIPPED' } },
      errorCode: 'ERROR_CORE',
      errorMessage: FAILURE_REASON,
    });
    await seedOperation(ds, partial, {
      erpKey: HOSTILE_KEY,
      action: OperationAction.Create,
      changes: { TITLE: { old: null, new: '<script>window.__pwned=2</script>' } },
    });
    await seedLink(ds, { erpKey: '42', dealId: 7001, failedAttempts: 1, lastError: FAILURE_REASON });
    running = await seedRun(ds, {
      status: RunStatus.Running,
      createdAt: ago(30_000),
      startedAt: ago(20_000),
      finishedAt: null,
      planned: 10,
      applied: 4,
    });
    browser = await openBrowser();
    ({ context, page } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
  });

  it('asks for the token, keeps it in sessionStorage only, and lists the runs', async () => {
    await page.goto(`${admin.daemon.url}/admin`);
    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Open the sync log' }).click();

    await page
      .locator('#runs')
      .getByRole('link', { name: `#${partial.id}` })
      .waitFor();
    const storage = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.keys(localStorage).length,
    }));
    expect(storage).toEqual({ session: [ADMIN_TOKEN], local: 0 });
    expect(await context.cookies()).toEqual([]);
    expect(await page.locator('#runs').textContent()).toContain('partially failed');
  });

  it("opens a run that has a failed row and shows that row's reason and diff", async () => {
    await page
      .locator('#runs')
      .getByRole('link', { name: `#${partial.id}` })
      .click();

    const failedRow = page.locator('#operations tr.operation.failed');
    await failedRow.waitFor();
    expect(await failedRow.textContent()).toContain(`ERROR_CORE: ${FAILURE_REASON}`);
    expect(await failedRow.locator('.old').textContent()).toBe('EXECUTING');
    expect(await failedRow.locator('.new').textContent()).toBe('SHIPPED');
  });

  it('shows hostile ERP data as text and never runs it', async () => {
    const hostile = page.locator('#operations').getByRole('link', { name: HOSTILE_KEY });

    await hostile.waitFor();
    expect(await page.locator('#operations img').count()).toBe(0);
    expect(await page.locator('#operations').textContent()).toContain('<script>window.__pwned=2</script>');
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('filters the operations of the run', async () => {
    await page.locator('#operation-filter select[name=status]').selectOption('failed');
    await page.locator('#operation-filter').getByRole('button', { name: 'Filter' }).click();

    await page.locator('#operations tr.operation').nth(1).waitFor({ state: 'detached' });
    await page.locator('#operations tr.operation.failed').waitFor();
    expect(await page.locator('#operations tr.operation').count()).toBe(1);
  });

  it("opens one record's timeline with field diffs and errors", async () => {
    await page.locator('#operations').getByRole('link', { name: '42', exact: true }).click();

    const timeline = page.locator('#timeline');
    await timeline.waitFor();
    expect(await timeline.textContent()).toContain(FAILURE_REASON);
    expect(await timeline.locator('.new').allTextContents()).toEqual(['SHIPPED']);
    expect(await page.locator('main').textContent()).toContain('#7001');
  });

  it('follows a running run live until it finishes', async () => {
    await page.goto(`${admin.daemon.url}/admin#/runs/${running.id}`);
    const applied = page.locator('#progress [data-stat=applied] b');
    await applied.waitFor();
    expect(await applied.textContent()).toBe('4');
    expect(await page.locator('#progress [data-stat=eta] b').textContent()).toMatch(/\d+s$/);

    await admin.dataSource.query(`UPDATE sync_run SET applied = 7 WHERE id = $1`, [running.id]);
    await applied.filter({ hasText: /^7$/ }).waitFor();
    await admin.dataSource.query(
      `UPDATE sync_run SET status = 'succeeded', finished_at = now() WHERE id = $1`,
      [running.id],
    );
    await page.locator('#run-summary .badge.succeeded').waitFor();
  });

  it('starts a dry-run resync from the page', async () => {
    await page.goto(`${admin.daemon.url}/admin#/runs`);
    await page.getByText('Start a resync').click();
    await page.locator('#resync select[name=mode]').selectOption('full');
    await page.locator('#resync input[name=dryRun]').check();
    await page.locator('#resync').getByRole('button', { name: 'Start resync' }).click();

    await page.waitForURL(/\/admin#\/runs\/\d+$/);
    expect(admin.sync.requests.at(-1)).toMatchObject({
      mapping: 'odoo-orders',
      mode: RunMode.Full,
      dryRun: true,
      requestedBy: 'log-viewer',
    });
    await page.locator('#run-summary .badge.queued').waitFor();
  });

  it('asks for the token again when it is wrong', async () => {
    await page.locator('#forget').click();
    await page.locator('#token').fill('a-wrong-token-of-some-length');
    await page.getByRole('button', { name: 'Open the sync log' }).click();

    await page.getByText('Wrong admin token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('runs within its content security policy', () => {
    expect(browser.consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  });
});

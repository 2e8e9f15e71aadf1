import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { HealthOverviewView } from '../../src/admin/admin.responses.js';
import { OperationAction, OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { RunStatus, RunTrigger } from '../../src/persistence/entities/sync-run.entity.js';
import { ADMIN_TOKEN, startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { confirmFixed, seedAttentionFixture, type AttentionFixture } from './support/attention.fixture.js';
import { browserAvailable, openBrowser, type BrowserSession } from './support/browser.js';
import { ago, seedLink, seedOperation, seedRun } from './support/sync-log.factory.js';

/** `CONSOLE_SCREENSHOTS=docs/images npm test -- test/admin/console.browser.spec.ts` refreshes the docs' pictures. */
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;
const PORTAL = 'https://acme.bitrix24.com';
const MEGABYTE = 'A'.repeat(1024 * 1024);
const HOSTILE = {
  key: '<img src=x onerror="window.__pwned=1">\u202Egnp.exe',
  script: '<script>window.__pwned=2</script>',
  url: 'javascript:window.__pwned=3',
  error: '<img src=x onerror="window.__pwned=4"> \u202Eliated <script>alert(1)</script>',
};

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS !== undefined) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`) });
  }
}

async function seedHistory(admin: AdminDaemon): Promise<void> {
  const outcomes = [RunStatus.Succeeded, RunStatus.Succeeded, RunStatus.PartiallyFailed, RunStatus.Succeeded];
  for (let index = 0; index < 18; index += 1) {
    const createdAt = ago((40 - index) * 5 * 60_000);
    await seedRun(admin.dataSource, {
      status: outcomes[index % outcomes.length],
      createdAt,
      startedAt: createdAt,
      finishedAt: new Date(createdAt.getTime() + (20 + ((index * 37) % 90)) * 1000),
      rowsRead: 40 + index,
      updated: 10 + index,
      unchanged: 30,
    });
  }
}

(browserAvailable() ? describe : describe.skip)('the operator console in a browser', () => {
  let admin: AdminDaemon;
  let browser: BrowserSession;
  let page: Page;
  let fixture: AttentionFixture;

  beforeAll(async () => {
    admin = await startAdminDaemon({ BITRIX24_WEBHOOK_URL: `${PORTAL}/rest/1/wh5ecret7k2p9x4q/` });
    await seedHistory(admin);
    fixture = await seedAttentionFixture(admin.dataSource, {
      stageRows: 180,
      amountRows: 120,
      syncedRows: 60,
    });
    const dry = await seedRun(admin.dataSource, {
      dryRun: true,
      createdAt: ago(60_000),
      startedAt: ago(60_000),
      finishedAt: ago(50_000),
    });
    await seedOperation(admin.dataSource, dry, {
      erpKey: '31',
      status: OperationStatus.Planned,
      dealId: 9031,
      changes: { STAGE_ID: { old: 'EXECUTING', new: 'SHIPPED' } },
      createdAt: ago(60_000),
    });
    browser = await openBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
  });

  it("shows each mapping's health, with the freshness figure /metrics reports", async () => {
    await page.goto(`${admin.daemon.url}/admin`);
    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Open the sync log' }).click();
    const freshness = page.locator('#health [data-mapping=odoo-orders] [data-stat=freshness]');
    await freshness.waitFor();

    const before = metric(await admin.request('/metrics', { token: null }).then((response) => response.text));
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/admin/overview'));
    const shown = (await (await refreshed).json()) as HealthOverviewView;
    const figure = shown.mappings.find((mapping) => mapping.name === 'odoo-orders')?.freshnessSeconds;
    await page
      .locator(`#health [data-mapping=odoo-orders] [data-stat=freshness][data-seconds="${figure}"]`)
      .waitFor();
    const after = metric(await admin.request('/metrics', { token: null }).then((response) => response.text));

    expect(before).toBeGreaterThan(500);
    expect(figure).toBeGreaterThanOrEqual(before - 0.001);
    expect(figure).toBeLessThanOrEqual(after + 0.001);
    const attention = page.locator('#health [data-mapping=odoo-orders] [data-stat=attention] b');
    expect(await attention.textContent()).toBe('300');
    expect(await page.locator('#health [data-mapping=odoo-orders] .bars .bar').count()).toBeGreaterThan(10);
    await screenshot(page, 'health');
  });

  it('groups hundreds of failing rows into exactly two errors, with their counts', async () => {
    await page.getByRole('link', { name: 'Needs attention' }).click();
    await page.locator('#attention .group').nth(1).waitFor();

    expect(await page.locator('#attention .group').count()).toBe(2);
    expect(await page.locator('#attention .group .count').allTextContents()).toEqual(['180', '120']);
    expect(await page.locator('#attention .group .group-message').allTextContents()).toEqual([
      'Stage "SHIPPED" does not exist in funnel #',
      'Field OPPORTUNITY: value "#.# EUR" is not a number',
    ]);
    expect(await page.locator('#attention-summary').textContent()).toContain('300 rows in 2 groups');
    await screenshot(page, 'attention');
  });

  it('retries one group: one run for exactly its keys', async () => {
    const before = admin.sync.requests.length;
    await page.locator('#attention .group').first().getByRole('button', { name: 'Retry these' }).click();

    await page.locator('#attention-message').getByText('queued for 180 rows').waitFor();
    expect(admin.sync.requests.slice(before)).toEqual([
      expect.objectContaining({ trigger: RunTrigger.Retry, erpKeys: [...fixture.stageKeys].sort() }),
    ]);
  });

  it('drops a group live, without a reload, once a later run fixed its rows', async () => {
    await page.evaluate(() => Object.assign(globalThis, { __stillTheSamePage: true }));

    await confirmFixed(admin.dataSource, 'odoo-orders', fixture.amountKeys);

    await page.locator('#attention .group').nth(1).waitFor({ state: 'detached' });
    expect(await page.locator('#attention .group .count').allTextContents()).toEqual(['180']);
    expect(
      await page.evaluate(() => (globalThis as { __stillTheSamePage?: boolean }).__stillTheSamePage),
    ).toBe(true);
  });

  it('shows a run whose counters agree with its operations, and what later runs finished', async () => {
    await page.goto(`${admin.daemon.url}/admin#/runs/${fixture.run.id}`);
    const stat = (name: string) => page.locator(`#progress [data-stat=${name}] b`).textContent();
    await page.locator('#progress').waitFor();

    expect([
      await stat('planned'),
      await stat('applied'),
      await stat('failed'),
      await stat('remaining'),
    ]).toEqual(['360', '60', '300', '0']);
    expect(await page.locator('#run-summary').textContent()).toContain(
      '120 of 300 failed rows of this run were finished by later runs',
    );
    await screenshot(page, 'run');
  });

  it('finds a record by its Bitrix24 id and links the deal in the portal', async () => {
    await page.locator('#search input[name=q]').fill('9031');
    await page.locator('#search input[name=q]').press('Enter');

    await page.locator('#record-key').waitFor();
    expect(await page.locator('#record-key').textContent()).toBe('31');
    expect(await page.locator('#deal-link').getAttribute('href')).toBe(`${PORTAL}/crm/deal/details/9031/`);
    const timeline = page.locator('#timeline');
    expect(await timeline.locator('.card.dry .badge.dry').textContent()).toBe('dry run — not sent');
    expect(await timeline.locator('.attempt').allTextContents()).toEqual(['attempt 1 of 5']);
    expect(await page.locator('main').textContent()).not.toContain('wh5ecret');
    await screenshot(page, 'record');
  });

  it('retries the record now from its page', async () => {
    await page.getByRole('button', { name: /^Retry now/ }).click();

    await page.locator('.retry-message').getByText('queued').waitFor();
    expect(admin.sync.requests.at(-1)).toMatchObject({ trigger: RunTrigger.Retry, erpKeys: ['31'] });
  });

  it('says which run a queued run waits for', async () => {
    const running = await seedRun(admin.dataSource, { status: RunStatus.Running, finishedAt: null });
    const queued = await seedRun(admin.dataSource, {
      status: RunStatus.Queued,
      startedAt: null,
      finishedAt: null,
    });

    await page.goto(`${admin.daemon.url}/admin#/runs/${queued.id}`);

    await page.locator('#waiting-for').waitFor();
    expect(await page.locator('#waiting-for').textContent()).toBe(
      `Waiting: run #${running.id} is running and holds the lock of this mapping; this run starts when it ends.`,
    );
    await admin.dataSource.query(
      `UPDATE sync_run SET status = 'succeeded', finished_at = now() WHERE id = $1`,
      [running.id],
    );
  });

  describe('with hostile data in ERP values, field diffs and portal errors', () => {
    let hostileRun: number;

    beforeAll(async () => {
      const run = await seedRun(admin.dataSource, { status: RunStatus.PartiallyFailed, failed: 2 });
      for (const [erpKey, message] of [
        [HOSTILE.key, HOSTILE.error],
        [HOSTILE.url, MEGABYTE],
      ]) {
        await seedOperation(admin.dataSource, run, {
          erpKey,
          action: OperationAction.Create,
          status: OperationStatus.Failed,
          changes: {
            TITLE: { old: HOSTILE.script, new: MEGABYTE },
            [HOSTILE.script]: { old: HOSTILE.url, new: HOSTILE.key },
          },
          errorCode: '<b>',
          errorMessage: message,
        });
        await seedLink(admin.dataSource, {
          erpKey,
          dealId: null,
          failedAttempts: 1,
          lastError: `: ${message}`,
        });
      }
      hostileRun = run.id;
    });

    it.each([
      ['the attention view', () => '#/attention', '#attention .group:has-text("liated")', HOSTILE.key],
      ['the run', () => `#/runs/${hostileRun}`, '#operations tr.operation.failed', HOSTILE.script],
      [
        'the record',
        () => `#/records/odoo-orders/${encodeURIComponent(HOSTILE.key)}`,
        '#timeline',
        HOSTILE.script,
      ],
      [
        'a record with a 1 MB error',
        () => `#/records/odoo-orders/${encodeURIComponent(HOSTILE.url)}`,
        '#timeline',
        'more characters',
      ],
    ])('%s runs no script and keeps its layout', async (_view, hash, ready, shown) => {
      await page.goto(`${admin.daemon.url}/admin${hash()}`);
      await page.reload();
      await page.locator(ready).first().waitFor();
      expect(await page.locator('main').textContent()).toContain(shown);

      // A string, so that the spec needs no DOM types: it runs in the page.
      const state: unknown = await page.evaluate(`({
        pwned: globalThis.__pwned,
        images: document.querySelectorAll('main img, main script, main iframe').length,
        scriptLinks: [...document.querySelectorAll('a[href]')].filter((a) => a.protocol === 'javascript:').length,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      })`);
      expect(state).toEqual({ images: 0, scriptLinks: 0, overflow: 0 });
    });

    it('opened no dialog and logged no console error anywhere', () => {
      expect(browser.dialogs).toEqual([]);
      expect(browser.consoleErrors).toEqual([]);
    });
  });
});

function metric(text: string): number {
  const line = text
    .split('\n')
    .find((each) =>
      each.startsWith('erp_bitrix24_sync_oldest_unsynced_change_seconds{mapping="odoo-orders"}'),
    );
  return Number(line?.split(' ').at(-1));
}

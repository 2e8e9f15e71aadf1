import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const WAIT = { timeout: 10_000 };

/**
 * A machine with only Node.js has no browser: there the browser specs are skipped, loudly (like the MySQL
 * specs), so that `npm test` still passes. CI (CI=true, and .ci/run installs chromium) never skips them.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') {
    return true;
  }
  process.stderr.write(
    `\n[test] ${CHROMIUM} is missing: the console browser specs did NOT run (counted as skipped). ` +
      'Install it with `apt-get install -y chromium` (CI does).\n',
  );
  return false;
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and dialogs the page produced. */
  readonly consoleErrors: string[];
  readonly dialogs: string[];
  close(): Promise<void>;
}

/** Debian's chromium, headless, in a throw-away profile, at a 1400 px wide window. */
export async function openBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the console specs drive Debian's chromium ` +
        '(apt-get update && apt-get install -y chromium; .ci/run installs it).',
    );
  }
  const userDataDir = join(tmpdir(), `chromium-${randomUUID()}`);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(WAIT.timeout);
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return {
    context,
    page,
    consoleErrors,
    dialogs,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type RunningDaemon } from '../../src/bootstrap/daemon.js';
import { runCliProcess } from '../support/cli.js';
import { buildTestConfig } from '../support/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { LogCapture } from '../support/log-capture.js';

const WEBHOOK_SECRET = 'whk9secret7value3x';
const ADMIN_TOKEN = 'admin-token-0123456789-abcdef';
const ERP_PASSWORD = 'erp-db-pass-4242';

describe('the daemon', () => {
  let database: TestDatabase;
  let daemon: RunningDaemon;
  const logs = new LogCapture();

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = buildTestConfig({
      DATABASE_URL: database.url,
      ERP_DATABASE_URL: `postgres://erp:${ERP_PASSWORD}@127.0.0.1:1/erp`,
      BITRIX24_WEBHOOK_URL: `https://acme.bitrix24.com/rest/7/${WEBHOOK_SECRET}/`,
      ADMIN_TOKEN,
      PORT: '0',
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'json',
    });
    daemon = await startDaemon(config, { logSink: logs });
  });

  afterAll(async () => {
    await daemon?.close();
    await database?.drop();
  });

  it('answers liveness, and readiness from both databases (the ERP one is unreachable here)', async () => {
    const live = await fetch(`${daemon.url}/health/live`);
    const ready = await fetch(`${daemon.url}/health/ready`);

    expect(live.status).toBe(200);
    expect(ready.status).toBe(503);
    const body = await ready.text();
    expect(JSON.parse(body)).toMatchObject({
      status: 'error',
      info: { stateDatabase: { status: 'up' } },
      error: { erpDatabase: { status: 'down', dialect: 'postgres' } },
    });
    expect(body).not.toContain(ERP_PASSWORD);
  });

  it('logs requests and start-up without any configured secret', async () => {
    await fetch(`${daemon.url}/nowhere?auth=${ADMIN_TOKEN}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    await (await fetch(`${daemon.url}/favicon.ico`)).text();
    await (await fetch(`${daemon.url}/elsewhere?token=not-a-configured-secret-42`)).text();
    for (let tick = 0; tick < 50 && !logs.text.includes('/elsewhere'); tick++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    daemon.logger.info(`an error message that quotes ${ERP_PASSWORD} and ${WEBHOOK_SECRET} by mistake`);

    expect(logs.text).toContain('/nowhere');
    expect(logs.text).toContain('Listening on');
    expect(logs.text).toContain('/elsewhere?token=[redacted]');
    expect(logs.text).not.toContain('not-a-configured-secret-42');
    expect(logs.text).not.toContain('/favicon.ico');
    for (const secret of [WEBHOOK_SECRET, ADMIN_TOKEN, ERP_PASSWORD]) {
      expect(logs.text).not.toContain(secret);
    }
  });
});

describe('the daemon without DATABASE_URL', () => {
  it('starts an embedded PostgreSQL in the project folder, shares it with the CLI, and stops it', async () => {
    const cwd = join(tmpdir(), `daemon-${randomUUID()}`);
    mkdirSync(cwd);
    const logs = new LogCapture();
    const daemon = await startDaemon(buildTestConfig({ PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json' }), {
      logSink: logs,
      cwd,
    });
    try {
      const ready = await fetch(`${daemon.url}/health/ready`);

      expect(ready.status).toBe(200);
      expect(logs.text).toContain(
        `using the embedded PostgreSQL with its data in ${join(cwd, '.data', 'postgres')}`,
      );
      expect(logs.text).toContain('Not syncing yet');

      const migrate = await runCliProcess(['migrate'], {}, 60_000, { cwd });

      expect(migrate.stderr).toContain('Using the embedded PostgreSQL that process');
      expect(migrate).toMatchObject({ code: 0, stdout: expect.stringContaining('up to date') });
    } finally {
      await daemon.close();
    }
    await expect(fetch(`${daemon.url}/health/live`)).rejects.toThrow();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperationStatus } from '../../src/persistence/entities/sync-operation.entity.js';
import { RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import { startAdminDaemon, type AdminDaemon, type RequestOptions } from './support/admin-daemon.js';
import { seedLink, seedOperation, seedRun } from './support/sync-log.factory.js';

const WEBHOOK_SECRET = 'whk4secret9value2zq';
const ERP_PASSWORD = 'erp-pass-5521-xyz';
const ENCRYPTION_KEY = 'encryption-key-0123456789-abcdefghij';
const CLIENT_SECRET = 'oauth-client-secret-77aa';
const REFRESH_TOKEN = 'oauth-refresh-token-88bb';
const PRESENTED_WRONG_TOKEN = 'not-the-admin-token-but-looks-like-one';

/** Everything an operator or a script can make the admin surface do, including its error paths. */
const EVERY_REQUEST: [string, RequestOptions][] = [
  ['/admin', { token: null }],
  ['/admin/runs', {}],
  ['/admin/runs?status=failed&limit=5', {}],
  ['/admin/runs?limit=9999', {}],
  ['/admin/runs/1', {}],
  ['/admin/runs/999', {}],
  ['/admin/runs/1/operations', {}],
  ['/admin/runs/1/operations?status=nope', {}],
  ['/admin/records/odoo-orders/1', {}],
  ['/admin/records/odoo-orders/nope', {}],
  ['/admin/mappings', {}],
  ['/admin/resync', { method: 'POST', body: { mapping: 'odoo-orders', dryRun: true } }],
  ['/admin/resync', { method: 'POST', body: { mapping: 'nowhere' } }],
  ['/admin/resync', { method: 'POST', body: { mapping: 'odoo-orders', token: 'x' } }],
  ['/admin/runs/1/cancel', { method: 'POST' }],
  ['/admin/runs/1/retry', { method: 'POST' }],
  ['/admin/runs', { token: null }],
  ['/admin/runs', { token: PRESENTED_WRONG_TOKEN }],
  ['/metrics', { token: null }],
  ['/docs-json', { token: null }],
  ['/health/ready', { token: null }],
];

async function driveEverything(admin: AdminDaemon): Promise<string> {
  let answers = '';
  for (const [path, options] of EVERY_REQUEST) {
    answers += (await admin.request(path, options)).text;
  }
  return answers;
}

describe('secrets in what the daemon prints and answers', () => {
  let webhookDaemon: AdminDaemon;
  let oauthDaemon: AdminDaemon;
  let answers = '';

  beforeAll(async () => {
    webhookDaemon = await startAdminDaemon({
      BITRIX24_WEBHOOK_URL: `https://acme.bitrix24.com/rest/1/${WEBHOOK_SECRET}/`,
      ERP_DATABASE_URL: `postgres://erp:${ERP_PASSWORD}@127.0.0.1:1/erp`,
      ENCRYPTION_KEY,
      LOG_LEVEL: 'trace',
    });
    const run = await seedRun(webhookDaemon.dataSource, {
      status: RunStatus.Failed,
      error: `POST https://acme.bitrix24.com/rest/1/${WEBHOOK_SECRET}/batch timed out`,
    });
    await seedOperation(webhookDaemon.dataSource, run, {
      status: OperationStatus.Failed,
      errorCode: 'transport',
      errorMessage: `connect ECONNREFUSED for https://acme.bitrix24.com/rest/1/${WEBHOOK_SECRET}/crm.deal.add`,
    });
    await seedLink(webhookDaemon.dataSource, { lastError: `auth failed with ${ERP_PASSWORD}` });
    answers += await driveEverything(webhookDaemon);

    oauthDaemon = await startAdminDaemon({
      BITRIX24_PORTAL_URL: 'https://acme.bitrix24.com',
      BITRIX24_CLIENT_ID: 'local.abc123',
      BITRIX24_CLIENT_SECRET: CLIENT_SECRET,
      BITRIX24_REFRESH_TOKEN: REFRESH_TOKEN,
      ENCRYPTION_KEY,
      ADMIN_TOKEN: undefined,
      LOG_LEVEL: 'trace',
    });
    answers += await driveEverything(oauthDaemon);
    webhookDaemon.daemon.logger.info(`a careless line quoting ${WEBHOOK_SECRET} and ${ENCRYPTION_KEY}`);
    oauthDaemon.daemon.logger.info(`a careless line quoting ${CLIENT_SECRET} and ${REFRESH_TOKEN}`);
  });

  afterAll(async () => {
    await webhookDaemon?.close();
    await oauthDaemon?.close();
  });

  const SECRETS = [
    ['the webhook secret', WEBHOOK_SECRET],
    ['the admin token', 'admin-token-e2e-7f3a9c2b5d1e'],
    ['the ERP database password', ERP_PASSWORD],
    ['the encryption key', ENCRYPTION_KEY],
    ['the OAuth client secret', CLIENT_SECRET],
    ['the OAuth refresh token', REFRESH_TOKEN],
  ];

  it('drove the admin surface and logged it', () => {
    const logs = webhookDaemon.logs.text + oauthDaemon.logs.text;

    expect(logs).toContain('/admin/runs');
    expect(logs).toContain('/admin/resync');
    expect(logs).toContain('a careless line quoting [redacted]');
    expect(answers).toContain('[redacted]');
  });

  it.each(SECRETS)('never prints %s', (_name, secret) => {
    expect(webhookDaemon.logs.text + oauthDaemon.logs.text).not.toContain(secret);
  });

  it.each(SECRETS)('never answers %s', (_name, secret) => {
    expect(answers).not.toContain(secret);
  });

  it('does not log a bearer token presented by a caller, even a wrong one', () => {
    expect(webhookDaemon.logs.text + oauthDaemon.logs.text).not.toContain(PRESENTED_WRONG_TOKEN);
  });
});

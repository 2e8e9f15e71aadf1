import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  messageOf,
  send,
  startAdminDaemon,
  type AdminDaemon,
  type ErrorBody,
} from './support/admin-daemon.js';

const ADMIN_ROUTES: [method: string, path: string][] = [
  ['GET', '/admin/runs'],
  ['GET', '/admin/runs/1'],
  ['GET', '/admin/runs/1/operations'],
  ['GET', '/admin/records/odoo-orders/1'],
  ['GET', '/admin/mappings'],
  ['POST', '/admin/resync'],
  ['POST', '/admin/runs/1/cancel'],
  ['POST', '/admin/runs/1/retry'],
  ['GET', '/admin/console'],
  ['GET', '/admin/overview'],
  ['GET', '/admin/attention'],
  ['GET', '/admin/attention/export?mapping=odoo-orders&fingerprint=x'],
  ['POST', '/admin/attention/retry'],
  ['POST', '/admin/records/odoo-orders/1/retry'],
  ['GET', '/admin/search?q=1'],
];

describe('admin API authentication', () => {
  let admin: AdminDaemon;

  beforeAll(async () => {
    admin = await startAdminDaemon();
  });

  afterAll(async () => {
    await admin?.close();
  });

  it.each(ADMIN_ROUTES)('%s %s answers 401 without a token', async (method, path) => {
    const response = await admin.request(path, {
      method,
      token: null,
      body: method === 'POST' ? {} : undefined,
    });

    expect(response.status).toBe(401);
    expect(messageOf(response)).toBe(
      'Missing admin token: send the header Authorization: Bearer <ADMIN_TOKEN>',
    );
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it.each([
    ['a wrong token of the same length', ADMIN_TOKEN.replace(/.$/, 'X')],
    ['a prefix of the token', ADMIN_TOKEN.slice(0, 10)],
    ['the token with extra characters', `${ADMIN_TOKEN}0`],
  ])('answers 401 for %s', async (_case, token) => {
    const response = await admin.request('/admin/runs', { token });

    expect(response.status).toBe(401);
    expect(messageOf(response)).toBe('Wrong admin token');
  });

  it('answers 401 for another scheme than Bearer', async () => {
    const response = await fetch(`${admin.daemon.url}/admin/runs`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
    });

    expect(response.status).toBe(401);
  });

  it('checks the token before the input: no validation detail leaks to a caller without it', async () => {
    const response = await admin.request('/admin/runs?limit=9999', { token: null });

    expect(response.status).toBe(401);
  });

  it('accepts the token, whatever the case of the scheme', async () => {
    const response = await fetch(`${admin.daemon.url}/admin/runs`, {
      headers: { authorization: `bearer ${ADMIN_TOKEN}` },
    });

    expect(response.status).toBe(200);
  });

  it('serves the log viewer page without a token, with a strict content security policy', async () => {
    const response = await admin.request('/admin', { token: null });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.text).toContain('<title>ERP → Bitrix24 sync console</title>');
    expect(response.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; script-src 'self'; style-src 'self';/,
    );
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe');
    expect(response.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(response.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
  });

  it("serves the page's compiled modules and stylesheet, and no other file", async () => {
    const entry = await admin.request('/admin/assets/admin/viewer/browser/console.main.js', { token: null });
    const tally = await admin.request('/admin/assets/sync/run-tally.js', { token: null });
    const styles = await admin.request('/admin/assets/console.css', { token: null });

    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-type')).toContain('text/javascript');
    expect(entry.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(entry.text).toContain("from './api.js'");
    expect(tally.text).toContain('export function tallyOperations');
    expect(styles.headers.get('content-type')).toContain('text/css');
    for (const path of [
      'admin/admin.responses.js',
      'persistence/entities/sync-run.entity.js',
      '..%2F..%2Fpackage.json',
      'admin/viewer/browser/../../../../package.json',
    ]) {
      expect((await admin.request(`/admin/assets/${path}`, { token: null })).status).toBe(404);
    }
  });

  it('serves the OpenAPI description at /docs', async () => {
    const page = await admin.request('/docs', { token: null });
    const json = await admin.request<{ paths: Record<string, unknown> }>('/docs-json', { token: null });

    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining([
        '/admin/runs',
        '/admin/runs/{id}',
        '/admin/runs/{id}/operations',
        '/admin/records/{mapping}/{key}',
        '/admin/mappings',
        '/admin/resync',
        '/admin/runs/{id}/cancel',
        '/admin/runs/{id}/retry',
        '/admin/console',
        '/admin/overview',
        '/admin/attention',
        '/admin/attention/export',
        '/admin/attention/retry',
        '/admin/records/{mapping}/{key}/retry',
        '/admin/search',
      ]),
    );
  });

  it('describes the response of every admin route, and the package version', async () => {
    type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
    const json = await admin.request<{
      info: { version: string };
      paths: Record<string, Record<string, Operation>>;
    }>('/docs-json', { token: null });
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
      version: string;
    };

    expect(json.body.info.version).toBe(manifest.version);
    const undocumented = Object.entries(json.body.paths)
      .filter(([path]) => path.startsWith('/admin'))
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, operation]) => {
            const success = operation.responses['200'] ?? operation.responses['202'];
            return Object.values(success?.content ?? {}).every((body) => body.schema === undefined);
          })
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
    expect(undocumented).toEqual([]);
  });

  it('links the viewer in the start-up log', () => {
    expect(admin.logs.text).toContain(`"Admin: ${admin.daemon.url}/admin"`);
  });
});

describe('admin API without ADMIN_TOKEN', () => {
  let admin: AdminDaemon;

  beforeAll(async () => {
    admin = await startAdminDaemon({ ADMIN_TOKEN: undefined });
  });

  afterAll(async () => {
    await admin?.close();
  });

  it.each(ADMIN_ROUTES)('%s %s answers 503 saying ADMIN_TOKEN must be set', async (method, path) => {
    const response = await send<ErrorBody>(admin.daemon.url, path, {
      method,
      token: 'anything-at-all-0123456789',
    });

    expect(response.status).toBe(503);
    expect(messageOf(response)).toBe(
      'The admin API is off: set ADMIN_TOKEN (24 characters or more) and restart the daemon',
    );
  });

  it('still serves the page, health and metrics, and says in the log how to turn the API on', async () => {
    expect((await admin.request('/admin', { token: null })).status).toBe(200);
    expect((await admin.request('/health/ready', { token: null })).status).toBe(200);
    expect((await admin.request('/metrics', { token: null })).status).toBe(200);
    expect(admin.logs.text).toContain('/admin (set ADMIN_TOKEN to use it)');
  });
});

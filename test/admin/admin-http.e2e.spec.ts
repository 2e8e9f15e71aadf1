import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDaemon, type RunningDaemon } from '../../src/bootstrap/daemon.js';
import { buildTestConfig } from '../support/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { LogCapture } from '../support/log-capture.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { ADMIN_TOKEN, MAPPING_YAML } from './support/admin-daemon.js';

describe('the admin API over HTTP', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let daemon: RunningDaemon;
  const logs = new LogCapture();

  const get = (path: string) =>
    fetch(`${daemon.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.up();
    target.host = `127.0.0.1:${proxy.port}`;
    const config = buildTestConfig(
      { DATABASE_URL: target.toString(), ADMIN_TOKEN, PORT: '0', LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
      MAPPING_YAML,
    );
    daemon = await startDaemon(config, { logSink: logs });
  });

  afterAll(async () => {
    await daemon?.close();
    await proxy?.down();
    await database?.drop();
  });

  it('answers JSON that is neither cached nor content-sniffed', async () => {
    const response = await get('/admin/runs');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 503 with Retry-After while the state database is down, and 200 once it is back', async () => {
    await proxy.down();
    const down = await get('/admin/runs');
    await proxy.up();
    let back = await get('/admin/runs');
    for (let attempt = 0; attempt < 50 && back.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await get('/admin/runs');
    }

    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toMatchObject({
      statusCode: 503,
      message: expect.stringContaining('state database'),
    });
    expect(back.status).toBe(200);
  });
});

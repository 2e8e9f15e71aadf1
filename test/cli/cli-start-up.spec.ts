import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runCliProcess } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { lastJsonLine, spawnCli } from '../sync/support/cli-child.js';
import { ErpOrders, ORDERS_MAPPING } from '../sync/support/erp-orders.js';

/**
 * Loaded into the spawned CLI with NODE_OPTIONS=--import: when the process exits, it writes the URL of every module it
 * loaded (ours and node_modules', ESM and CommonJS) to MODULE_TRACE_FILE, one a line.
 */
const TRACE_HOOK_SOURCE = `
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({ load: (url, context, nextLoad) => (loaded.add(url), nextLoad(url, context)) });
process.on('exit', () => writeFileSync(process.env.MODULE_TRACE_FILE, [...loaded].join('\\n')));
`;
const MAPPING = 'orders-start-up';

/** What only the daemon needs: its HTTP server, admin API, OpenAPI, health checks and the install callback. */
const DAEMON_ONLY = [
  /\/dist\/src\/bootstrap\/daemon\.js$/,
  /\/dist\/src\/app\.module\.js$/,
  /\/dist\/src\/admin\//,
  /\/dist\/src\/bitrix24\/bitrix24-install\./,
  /\/node_modules\/@nestjs\/platform-express\//,
  /\/node_modules\/@nestjs\/swagger\//,
  /\/node_modules\/@nestjs\/terminus\//,
  /\/node_modules\/express\//,
];

/**
 * What a command loads is observable: a hook (TRACE_HOOK_SOURCE) lists every module the process loaded. A
 * one-shot `run` leaves the daemon's HTTP side unloaded; `start` still loads it and serves.
 */
describe('CLI start-up: what each command loads', () => {
  let emulator: RunningEmulator;
  let erp: ErpOrders;
  let state: TestDatabase;
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator();
    erp = await ErpOrders.create(20);
    state = await createTestDatabase('start-up');
    folder = mkdtempSync(join(tmpdir(), 'start-up-'));
    writeFileSync(join(folder, 'module-trace.mjs'), TRACE_HOOK_SOURCE);
    const config = join(folder, 'sync.config.yaml');
    writeFileSync(config, ORDERS_MAPPING({ name: MAPPING }));
    env = {
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: erp.url,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      SYNC_CONFIG: config,
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    await state?.drop();
    await erp?.close();
    await emulator?.close();
  });

  const traced = (name: string) => {
    const file = join(folder, `${name}.modules.txt`);
    return {
      env: {
        ...env,
        NODE_OPTIONS: `--import=${pathToFileURL(join(folder, 'module-trace.mjs')).href}`,
        MODULE_TRACE_FILE: file,
      },
      modules: () => readFileSync(file, 'utf8').split('\n'),
    };
  };

  it('run syncs without loading the daemon, its HTTP modules or the MySQL driver', async () => {
    const trace = traced('run');

    const result = await runCliProcess(['run', '--mapping', MAPPING, '--json'], trace.env, 120_000);

    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({ status: 'succeeded', created: 20 });
    const modules = trace.modules();
    // The trace saw the engine, so an empty list cannot pass.
    expect(modules.some((url) => url.endsWith('/dist/src/sync/sync.service.js'))).toBe(true);
    expect(modules.filter((url) => DAEMON_ONLY.some((pattern) => pattern.test(url)))).toEqual([]);
    expect(modules.filter((url) => url.includes('/node_modules/mysql2/'))).toEqual([]);
  });

  it('start still serves the health endpoints, loads the daemon, and stops on SIGTERM', async () => {
    const trace = traced('start');
    const port = await freePort();
    const daemon = spawnCli(['start'], { ...trace.env, PORT: String(port) });

    let live = 0;
    while (daemon.running() && live !== 200) {
      live = await fetch(`http://127.0.0.1:${port}/health/live`).then(
        (response) => response.status,
        () => 0,
      );
      if (live !== 200) {
        await sleep(100);
      }
    }
    const exit = await daemon.stop();

    expect({ live, code: exit.code }).toEqual({ live: 200, code: 0 });
    const modules = trace.modules();
    expect(modules.some((url) => url.endsWith('/dist/src/bootstrap/daemon.js'))).toBe(true);
    expect(modules.some((url) => url.includes('/node_modules/@nestjs/platform-express/'))).toBe(true);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

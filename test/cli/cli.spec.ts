import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runCliProcess } from '../support/cli.js';

describe('the erp-bitrix24-sync CLI', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it.each([
    [
      { BITRIX24_RATE_LIMIT: 'fast' },
      'BITRIX24_RATE_LIMIT: expected "<drain>/<capacity>" like 2/50, got "fast"',
    ],
    [{ ERP_DATABASE_URL: 'oracle://erp@db/orcl' }, 'ERP_DATABASE_URL: unsupported database "oracle"'],
    [{ SYNC_CONFIG: '/nonexistent/sync.config.yaml' }, 'SYNC_CONFIG: cannot read mapping file'],
  ])('refuses to start on bad configuration %j, naming the culprit', async (env, expected) => {
    const result = await runCliProcess(['start'], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain(expected);
  });

  it('prints the commands with --help', async () => {
    const result = await runCliProcess(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/start[\s\S]*migrate/);
  });

  it('rejects an unknown command with the help', async () => {
    const result = await runCliProcess(['sink']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "sink"');
  });

  it('migrates a state database and then finds it up to date', async () => {
    const first = await runCliProcess(['migrate'], { DATABASE_URL: database.url });
    const second = await runCliProcess(['migrate'], { DATABASE_URL: database.url });

    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('CreateSyncState');
    expect(second.stdout).toContain('up to date');
  });
});

const MAPPING_YAML = `
mappings:
  - name: orders
    schedule: "* * * * * *"
    source: { table: orders, key: id }
    target: { originatorId: erp }
    fields:
      TITLE: { column: name }
`;

function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'cli-'));
}

function mappingFile(): string {
  const file = join(tempFolder(), 'sync.config.yaml');
  writeFileSync(file, MAPPING_YAML);
  return file;
}

/** A Node.js older than 22.19 on this machine's PATH (e.g. a distribution's Node 20), if there is one. */
function oldNode(): string | undefined {
  const found = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return found.find((node) => {
    const version = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const [major, minor] = version.split('.').map(Number);
    return major < 22 || (major === 22 && minor < 19);
  });
}

describe('the CLI exit codes', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('exits 2 on a usage error: a missing --mapping, an unknown mapping', async () => {
    const missing = await runCliProcess(['run']);
    const unknown = await runCliProcess(['plan', '--mapping', 'nope'], { SYNC_CONFIG: mappingFile() });

    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--mapping NAME is required');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown mapping "nope"');
    expect(unknown.stderr).toContain('has orders');
  });

  it('exits 1 when check finds errors on the embedded state database', async () => {
    const result = await runCliProcess(['check'], {}, 120_000, { cwd: tempFolder() });

    expect(result.stdout).toContain('ERROR  configuration   missing ERP_DATABASE_URL');
    expect(result.stdout).toMatch(/OK +state database/);
    expect(result.code).toBe(1);
  });

  it('keeps stdout for the one JSON line when run --json cannot start, logging JSON to stderr', async () => {
    const unreachable = new URL(database.url);
    unreachable.pathname = '/no_such_database';

    const result = await runCliProcess(['run', '--mapping', 'orders', '--json'], {
      DATABASE_URL: unreachable.toString(),
      SYNC_CONFIG: mappingFile(),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    });

    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      runId: null,
      mapping: 'orders',
      status: 'failed',
      error: expect.stringContaining('no_such_database'),
    });
    const logLines = result.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(result.stderr).not.toContain('[Nest]');
  });

  it('exits 1 at once when the daemon port is taken, instead of scheduling without HTTP', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await runCliProcess(['start'], {
        PORT: String(port),
        DATABASE_URL: database.url,
        ERP_DATABASE_URL: 'postgres://erp@127.0.0.1:1/erp',
        BITRIX24_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/1/secretsecret/',
        SYNC_CONFIG: mappingFile(),
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`PORT ${port} is already in use`);
    } finally {
      taken.close();
    }
  });

  it('lists every option of a command with what it does', async () => {
    const result = await runCliProcess(['run', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--mapping NAME +The mapping to sync/);
    expect(result.stdout).toMatch(/--json +Print the run summary/);
  });
});

describe('the CLI under an old Node.js', () => {
  const node = oldNode();

  (node ? it : it.skip)(
    'says which Node.js it needs, like the npm scripts, without a stack trace',
    async () => {
      const result = await runCliProcess(['--help'], {}, 30_000, { node });
      const script = spawnSync(node ?? '', ['scripts/check-node.mjs'], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        encoding: 'utf8',
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('erp-bitrix24-sync needs Node.js >= 22.19');
      expect(result.stderr).toBe(script.stderr);
      expect(result.stderr).not.toContain('    at ');
    },
  );
});

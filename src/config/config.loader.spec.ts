import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { DESIGN_EXAMPLE_YAML } from '../../test/support/sync.factory.js';
import { ConfigError } from './config.error.js';
import { loadConfig } from './config.loader.js';

const EXAMPLE = DESIGN_EXAMPLE_YAML;
const WEBHOOK = 'https://acme.bitrix24.com/rest/1/s3cr3tw3bh00k/';

function withMappingFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'sync.config.yaml');
  writeFileSync(path, yaml);
  return path;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DEMO: 'off', ...env }, { cwd: mkdtempSync(join(tmpdir(), 'cwd-')) });
  } catch (error) {
    if (error instanceof ConfigError) {
      return [...error.problems];
    }
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const exampleWith = (replace: [string, string]) => withMappingFile(EXAMPLE.replace(replace[0], replace[1]));

describe('loadConfig', () => {
  it('accepts the DESIGN §6 example mapping as written', () => {
    const config = loadConfig(
      {
        ERP_DATABASE_URL: 'postgres://erp@db/odoo',
        BITRIX24_WEBHOOK_URL: WEBHOOK,
        SYNC_CONFIG: withMappingFile(EXAMPLE),
      },
      { cwd: tmpdir() },
    );

    expect(config.mappings.map((mapping) => mapping.name)).toEqual(['odoo-orders']);
    expect(config.mappings[0].source).toMatchObject({ key: ['id'], cursor: 'write_date', lookback: 600_000 });
    expect(config.mappings[0].delete).toEqual({ policy: 'close', stage: 'LOSE', maxPerRun: 100 });
    expect(config.bitrix24.rateLimit).toEqual({ drainPerSecond: 2, capacity: 50 });
    expect(config.missingForSync).toEqual([]);
    expect(Object.isFrozen(config.mappings[0].fields)).toBe(true);
  });

  it('splits the webhook URL and keeps its secret out of every printout', () => {
    const config = loadConfig({ BITRIX24_WEBHOOK_URL: WEBHOOK, DEMO: 'off' }, { cwd: tmpdir() });

    expect(config.bitrix24.auth).toMatchObject({
      kind: 'webhook',
      portalUrl: 'https://acme.bitrix24.com',
      userId: 1,
    });
    expect(JSON.stringify(config)).not.toContain('s3cr3tw3bh00k');
    expect(inspect(config, { depth: 10 })).not.toContain('s3cr3tw3bh00k');
    expect(`${String(config.bitrix24.auth?.kind === 'webhook' && config.bitrix24.auth.secret)}`).toBe(
      '[redacted]',
    );
  });

  it('lists what is missing for syncing without failing outside the container', () => {
    const config = loadConfig({ DEMO: 'off' }, { cwd: mkdtempSync(join(tmpdir(), 'cwd-')) });

    expect(config.missingForSync.join('\n')).toMatch(
      /ERP_DATABASE_URL[\s\S]*BITRIX24_WEBHOOK_URL[\s\S]*SYNC_CONFIG/,
    );
    expect(config.demo).toBe(false);
  });

  it('chooses the demo when nothing is configured locally and DEMO is left on auto', () => {
    expect(loadConfig({}, { cwd: mkdtempSync(join(tmpdir(), 'cwd-')) }).demo).toBe(true);
    expect(loadConfig({ BITRIX24_WEBHOOK_URL: WEBHOOK }, { cwd: tmpdir() }).demo).toBe(false);
  });

  it.each([
    [
      'a rate limit like "fast"',
      { BITRIX24_RATE_LIMIT: 'fast' },
      'BITRIX24_RATE_LIMIT: expected "<drain>/<capacity>" like 2/50, got "fast"',
    ],
    ['a zero drain rate', { BITRIX24_RATE_LIMIT: '0/50' }, 'BITRIX24_RATE_LIMIT: expected'],
    [
      'an oracle:// ERP URL',
      { ERP_DATABASE_URL: 'oracle://erp@db/orcl' },
      'ERP_DATABASE_URL: unsupported database "oracle"',
    ],
    [
      'an ERP URL that is not a URL',
      { ERP_DATABASE_URL: 'localhost:5432' },
      'ERP_DATABASE_URL: unsupported database',
    ],
    [
      'a MySQL state database',
      { DATABASE_URL: 'mysql://root@db/state' },
      'DATABASE_URL: expected a postgres://',
    ],
    [
      'a port that is not a number',
      { PORT: 'eighty' },
      'PORT: expected a TCP port number 0-65535, got "eighty"',
    ],
    ['an out-of-range port', { PORT: '70000' }, 'PORT: expected a TCP port'],
    [
      'an unknown log level',
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      'a webhook URL without user and secret',
      { BITRIX24_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/crm.deal.add' },
      'BITRIX24_WEBHOOK_URL: expected https://<portal>/rest/<user id>/<secret>/',
    ],
    [
      'webhook and OAuth together',
      { BITRIX24_WEBHOOK_URL: WEBHOOK, BITRIX24_CLIENT_ID: 'local.1' },
      'BITRIX24_WEBHOOK_URL: set either an incoming webhook or the OAuth app',
    ],
    [
      'an incomplete OAuth app',
      { BITRIX24_CLIENT_ID: 'local.1' },
      'BITRIX24_CLIENT_SECRET: required for OAuth',
    ],
    [
      'OAuth without an encryption key',
      {
        BITRIX24_PORTAL_URL: 'https://acme.bitrix24.com',
        BITRIX24_CLIENT_ID: 'local.1',
        BITRIX24_CLIENT_SECRET: 'abcdefgh',
      },
      'ENCRYPTION_KEY: required with OAuth',
    ],
    [
      'a short encryption key',
      { ENCRYPTION_KEY: 'short' },
      'ENCRYPTION_KEY: ENCRYPTION_KEY must be at least 32 characters long',
    ],
    [
      'a short admin token',
      { ADMIN_TOKEN: 'admin' },
      'ADMIN_TOKEN: ADMIN_TOKEN must be at least 24 characters long',
    ],
    ['an unknown runtime', { SYNC_RUNTIME: 'kubernetes' }, 'SYNC_RUNTIME: expected one of local, container'],
    [
      'the container image without a state database',
      { SYNC_RUNTIME: 'container' },
      'DATABASE_URL: required in the container image',
    ],
  ])('rejects %s naming the variable', (_case, env, expected) => {
    expect(problemsOf(env as Record<string, string>).join('\n')).toContain(expected);
  });

  it.each([
    [
      'a missing mapping file',
      () => '/nonexistent/sync.config.yaml',
      'SYNC_CONFIG: cannot read mapping file /nonexistent/sync.config.yaml: file not found',
    ],
    ['a mapping file that is a directory', () => tmpdir(), 'SYNC_CONFIG: cannot read mapping file'],
    [
      'a YAML syntax error',
      () => withMappingFile('mappings:\n  - name: a\n    source: {table: x\n'),
      'SYNC_CONFIG: YAML syntax error',
    ],
    [
      'a duplicate YAML key',
      () => withMappingFile('mappings: []\nmappings: []\n'),
      'SYNC_CONFIG: YAML syntax error',
    ],
    [
      'an unknown top-level key',
      () => withMappingFile('mappings: []\nmapings: []\n'),
      'mapings: unknown key',
    ],
    [
      'an unknown key in a source',
      () => exampleWith(['cursor: write_date', 'cursr: write_date']),
      'mappings[0].source.cursr: unknown key',
    ],
    ['a missing source key', () => exampleWith(['key: id', '']), 'mappings[0].source.key: required'],
    [
      'both table and query',
      () => exampleWith(['key: id', 'key: id\n      table: sale_order']),
      'mappings[0].source: needs exactly one of table or query',
    ],
    [
      'a page size of the wrong type',
      () => exampleWith(['key: id', 'key: id\n      pageSize: big']),
      'mappings[0].source.pageSize: Invalid input: expected number',
    ],
    [
      'a malformed lookback',
      () => exampleWith(['lookback: 10m', 'lookback: ten minutes']),
      'mappings[0].source.lookback: expected a duration like 30s',
    ],
    [
      'an unknown time zone',
      () => exampleWith(['timezone: UTC', 'timezone: Mars/Olympus']),
      'mappings[0].source.timezone: unknown time zone "Mars/Olympus"',
    ],
    [
      'a bad cron expression',
      () => exampleWith(['"*/5 * * * *"', '"every five minutes"']),
      'mappings[0].schedule: invalid cron expression',
    ],
    [
      'a lower-case Bitrix24 field',
      () => exampleWith(['CURRENCY_ID:', 'currency_id:']),
      'mappings[0].fields.currency_id: Bitrix24 field names are upper case',
    ],
    [
      'a field with two sources',
      () => exampleWith(['{ column: currency }', '{ column: currency, value: RUB }']),
      'mappings[0].fields.CURRENCY_ID: needs exactly one of column, template or value',
    ],
    [
      'an unknown field type',
      () => exampleWith(['type: money', 'type: cash']),
      'mappings[0].fields.OPPORTUNITY.type: Invalid option',
    ],
    [
      'close without a stage',
      () => exampleWith(['stage: LOSE, ', '']),
      'mappings[0].delete.stage: required when policy is close',
    ],
    [
      'duplicate mapping names',
      () => withMappingFile(EXAMPLE + EXAMPLE.replace('mappings:\n', '')),
      'mappings[1].name: duplicate mapping name "odoo-orders" (also mappings[0])',
    ],
  ])('rejects %s naming its YAML path', (_case, path, expected) => {
    expect(problemsOf({ SYNC_CONFIG: path() }).join('\n')).toContain(expected);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      BITRIX24_RATE_LIMIT: 'fast',
      PORT: 'x',
      ERP_DATABASE_URL: 'oracle://db',
      SYNC_CONFIG: exampleWith(['key: id', '']),
    });

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^BITRIX24_RATE_LIMIT:/),
        expect.stringMatching(/^PORT:/),
        expect.stringMatching(/^ERP_DATABASE_URL:/),
        'mappings[0].source.key: required',
      ]),
    );
  });

  it('never echoes a secret value in a problem', () => {
    const problems = problemsOf({
      BITRIX24_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/1/',
      ADMIN_TOKEN: 'tooshort-secret',
      DATABASE_URL: 'mysql://root:hunter2hunter2@db/state',
    });

    expect(problems.join('\n')).not.toMatch(/tooshort-secret|hunter2hunter2|acme\.bitrix24/);
  });

  it('reads BITRIX24_APPLICATION_TOKEN as a secret of the OAuth app', () => {
    const config = loadConfig(
      {
        DEMO: 'off',
        BITRIX24_PORTAL_URL: 'https://acme.bitrix24.com',
        BITRIX24_CLIENT_ID: 'local.1',
        BITRIX24_CLIENT_SECRET: 'client-secret-1',
        ENCRYPTION_KEY: 'k'.repeat(40),
        BITRIX24_APPLICATION_TOKEN: 'app-token-0123456789',
      },
      { cwd: mkdtempSync(join(tmpdir(), 'cwd-')) },
    );
    const auth = config.bitrix24.auth;

    expect(auth?.kind === 'oauth' && auth.applicationToken?.reveal()).toBe('app-token-0123456789');
    expect(inspect(config, { depth: 10 })).not.toContain('app-token-0123456789');
  });

  it.each([
    ['without the OAuth app', {}, 'BITRIX24_APPLICATION_TOKEN: needs BITRIX24_PORTAL_URL'],
    ['with a webhook', { BITRIX24_WEBHOOK_URL: WEBHOOK }, 'BITRIX24_WEBHOOK_URL: set either'],
  ])('rejects BITRIX24_APPLICATION_TOKEN %s', (_case, env, expected) => {
    const problems = problemsOf({ ...env, BITRIX24_APPLICATION_TOKEN: 'app-token-0123456789' });

    expect(problems.join('\n')).toContain(expected);
    expect(problems.join('\n')).not.toContain('app-token-0123456789');
  });
});

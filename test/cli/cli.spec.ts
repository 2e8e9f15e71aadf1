import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

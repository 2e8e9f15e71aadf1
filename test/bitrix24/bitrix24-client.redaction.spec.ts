import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { Secret } from '../../src/config/secret.js';
import { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { scaledClock } from '../../src/bitrix24/clock.js';
import { CrmEntityGateway } from '../../src/bitrix24/crm-entity.gateway.js';
import { OAuthTokenStore } from '../../src/bitrix24/oauth-token.store.js';
import { TokenCipher } from '../../src/bitrix24/token.cipher.js';
import { OAuthTokenRepository } from '../../src/persistence/oauth-token.repository.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';
import { CapturingLogger, oauthAuthOf, webhookAuthOf } from './support/emulator-client.js';
import { setOnlyFaults } from './support/faults.js';

/** Every way an error or a log line leaves the process. */
function renderings(errors: unknown[], logger: CapturingLogger): string[] {
  return [
    ...logger.lines,
    ...errors.flatMap((error) => [
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
      (error as Error).stack ?? '',
    ]),
  ];
}

async function exercise(client: Bitrix24Client, emulator: RunningEmulator): Promise<unknown[]> {
  const errors: unknown[] = [];
  const keep = (promise: Promise<unknown>) => promise.catch((error: unknown) => void errors.push(error));
  const gateway = new CrmEntityGateway(client);
  await Promise.all(Array.from({ length: 12 }, () => client.call('crm.deal.list')));
  await keep(client.call('crm.deal.add', { fields: { CURRENCY_ID: 'XXX' } }));
  const outcomes = await gateway.createMany([{ TITLE: 'a' }, { CURRENCY_ID: 'bad' }]);
  errors.push(...outcomes.flatMap((outcome) => (outcome.status === 'ok' ? [] : [outcome.error])));
  await keep(client.call('no.such.method'));
  setOnlyFaults(emulator, { commitThenDropRate: 1 });
  await keep(client.call('crm.deal.add', { fields: { TITLE: 'lost' } }));
  const lost = await gateway.createMany([{ TITLE: 'lost too' }]);
  errors.push(...lost.flatMap((outcome) => (outcome.status === 'ok' ? [] : [outcome.error])));
  setOnlyFaults(emulator, { serverErrorRate: 1 });
  await keep(client.call('crm.deal.get', { id: 1 }));
  setOnlyFaults(emulator);
  return errors;
}

describe('secret redaction in logs and errors', () => {
  let emulator: RunningEmulator;
  let db: TestDataSource;

  beforeAll(async () => {
    // The bucket drains 10 requests a real second: twelve concurrent calls overflow it (QUERY_LIMIT_EXCEEDED)
    // even on a loaded machine; at 50× it drained as fast as a slow machine sent them.
    emulator = await startEmulator({ rateLimit: { drainPerSecond: 2, capacity: 3 }, clockSpeed: 5 });
    db = await createMigratedDataSource();
  });
  afterAll(async () => {
    await emulator.close();
    await db.close();
  });

  it('never shows the webhook secret, whatever happens', async () => {
    const logger = new CapturingLogger();
    const auth = webhookAuthOf(emulator);
    const client = new Bitrix24Client({
      auth,
      logger,
      clock: scaledClock(50),
      backoff: { baseMs: 5, maxMs: 10 },
      ratePause: { baseMs: 5, maxMs: 10 },
    });
    const errors = await exercise(client, emulator);
    // A wrong secret must not echo either.
    const wrong = new Bitrix24Client({ auth: { ...auth, secret: new Secret('wrong-secret-value') }, logger });
    errors.push(await wrong.call('crm.deal.list').catch((error: unknown) => error));
    await Promise.all([client.close(), wrong.close()]);

    expect(errors).toHaveLength(7);
    expect(logger.lines.some((line) => line.startsWith('debug crm.deal.list → 200'))).toBe(true);
    expect(logger.lines.some((line) => line.includes('QUERY_LIMIT_EXCEEDED'))).toBe(true);
    const text = renderings(errors, logger).join('\n');
    expect(text).toContain('/rest/1/***/crm.deal.add');
    expect(text).not.toContain(auth.secret.reveal());
    expect(text).not.toContain('wrong-secret-value');
  });

  it('never shows OAuth tokens or the client secret, including rotated ones', async () => {
    const logger = new CapturingLogger();
    const seen: string[] = [];
    const store = new OAuthTokenStore(
      new OAuthTokenRepository(db.dataSource),
      TokenCipher.fromEncryptionKey(new Secret('x'.repeat(40))),
      db.dataSource,
    );
    const auth = oauthAuthOf(emulator, emulator.issueRefreshToken());
    const client = new Bitrix24Client({
      auth,
      logger,
      clock: scaledClock(50),
      tokenStore: store,
      onSecret: (value) => seen.push(value),
      ratePause: { baseMs: 5, maxMs: 10 },
    });
    const errors = await exercise(client, emulator);
    emulator.expireAccessTokens();
    await client.call('crm.deal.list');
    const broken = new Bitrix24Client({
      auth: { ...auth, clientSecret: new Secret('wrong-client-secret') },
      logger,
      tokenStore: store,
    });
    await db.dataSource.query('DELETE FROM oauth_token');
    errors.push(await broken.call('crm.deal.list').catch((error: unknown) => error));
    await Promise.all([client.close(), broken.close()]);

    const secrets = [...seen, auth.clientSecret.reveal(), auth.refreshToken!.reveal(), 'wrong-client-secret'];
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(logger.lines.some((line) => line.includes('OAuth access token renewed'))).toBe(true);
    const text = renderings(errors, logger).join('\n');
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
  });
});

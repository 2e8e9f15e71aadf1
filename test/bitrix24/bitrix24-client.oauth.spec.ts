import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { OAuthConfig } from '../../src/config/config.types.js';
import { Secret } from '../../src/config/secret.js';
import { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { Bitrix24ErrorClass } from '../../src/bitrix24/bitrix24.error.js';
import { OAuthTokenStore } from '../../src/bitrix24/oauth-token.store.js';
import { InstallOutcome } from '../../src/bitrix24/oauth.session.js';
import { TokenCipher } from '../../src/bitrix24/token.cipher.js';
import { OAuthTokenRepository } from '../../src/persistence/oauth-token.repository.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';
import { failureOf, oauthAuthOf } from './support/emulator-client.js';
import { startTokenProxy, type TokenProxy } from './support/token-proxy.js';

const KEY = new Secret('an-encryption-key-of-32-characters!!');

describe('Bitrix24Client with an OAuth local app', () => {
  let db: TestDataSource;
  let emulator: RunningEmulator;
  let proxy: TokenProxy;
  let store: OAuthTokenStore;
  const clients: Bitrix24Client[] = [];

  beforeAll(async () => {
    db = await createMigratedDataSource();
    emulator = await startEmulator();
    proxy = await startTokenProxy(emulator.oauth.tokenUrl);
    store = new OAuthTokenStore(
      new OAuthTokenRepository(db.dataSource),
      TokenCipher.fromEncryptionKey(KEY),
      db.dataSource,
    );
  });
  beforeEach(async () => {
    await db.dataSource.query('DELETE FROM oauth_token');
    emulator.reset();
    proxy.reset();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await proxy.close();
    await emulator.close();
    await db.close();
  });

  function auth(overrides: Partial<OAuthConfig> = {}): OAuthConfig {
    return { ...oauthAuthOf(emulator, emulator.issueRefreshToken()), tokenUrl: proxy.url, ...overrides };
  }

  function client(config: OAuthConfig, tokenStore = store): Bitrix24Client {
    const created = new Bitrix24Client({ auth: config, tokenStore });
    clients.push(created);
    return created;
  }

  async function storedRow(): Promise<Record<string, string>> {
    const [row] = await db.dataSource.query<Array<Record<string, string>>>('SELECT * FROM oauth_token');
    return row;
  }

  it('takes the first tokens from BITRIX24_REFRESH_TOKEN and stores the rotated pair encrypted', async () => {
    const config = auth();
    const seed = config.refreshToken!.reveal();
    await client(config).call('crm.deal.list');
    expect(proxy.requests).toBe(1);
    expect(emulator.requestLog().map((entry) => entry.auth)).toEqual(['oauth']);
    const row = await storedRow();
    expect(row.portal).toBe(emulator.url);
    expect(row.access_token_enc).toMatch(/^v1\./);
    const stored = await store.load(emulator.url);
    expect(stored?.refreshToken).not.toBe(seed);
    expect(JSON.stringify(row)).not.toContain(stored!.accessToken);
    expect(JSON.stringify(row)).not.toContain(stored!.refreshToken);
  });

  it('uses stored tokens without asking the token server', async () => {
    const config = auth();
    await client(config).call('crm.deal.list');
    await client(config).call('crm.deal.list');
    expect(proxy.requests).toBe(1);
  });

  it('refreshes once for two concurrent callers hitting expired_token, rotates, and resends both calls', async () => {
    const oauthClient = client(auth());
    await oauthClient.call('crm.deal.add', { fields: { TITLE: 'first' } });
    const before = await store.load(emulator.url);
    emulator.expireAccessTokens();
    const [first, second] = await Promise.all([
      oauthClient.call<number>('crm.deal.add', { fields: { TITLE: 'a' } }),
      oauthClient.call<number>('crm.deal.add', { fields: { TITLE: 'b' } }),
    ]);
    expect(first.result).not.toBe(second.result);
    expect(proxy.requests).toBe(2);
    const after = await store.load(emulator.url);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(
      emulator
        .deals()
        .map((deal) => deal.TITLE)
        .sort(),
    ).toEqual(['a', 'b', 'first']);
    expect(emulator.stats().byStatus['401']).toBe(2);
  });

  it('refreshes once across two replicas sharing the token store', async () => {
    const config = auth();
    const replicaA = client(config);
    const replicaB = client(
      config,
      new OAuthTokenStore(
        new OAuthTokenRepository(db.dataSource),
        TokenCipher.fromEncryptionKey(KEY),
        db.dataSource,
      ),
    );
    await replicaA.call('crm.deal.list');
    await replicaB.call('crm.deal.list');
    emulator.expireAccessTokens();
    await Promise.all([replicaA.call('crm.deal.list'), replicaB.call('crm.deal.list')]);
    expect(proxy.requests).toBe(2);
    await replicaB.call('crm.deal.list');
    expect(proxy.requests).toBe(2);
  });

  it('stops with an actionable invalid_grant error and never loops on the token server', async () => {
    const broken = client(auth({ refreshToken: new Secret('a-refresh-token-that-was-never-issued') }));
    const error = await failureOf(broken.call('crm.deal.list'));
    expect(error).toMatchObject({
      code: 'invalid_grant',
      classification: Bitrix24ErrorClass.Auth,
      stopsRuns: true,
      httpStatus: 400,
    });
    expect(error.message).toContain('BITRIX24_REFRESH_TOKEN');
    expect(error.message).toContain('/bitrix24/install');
    await expect(broken.call('crm.deal.list')).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(proxy.requests).toBe(1);
    expect(emulator.stats().requests).toBe(0);
  });

  it('falls back to BITRIX24_REFRESH_TOKEN once when the stored refresh token is rejected', async () => {
    const config = auth();
    await store.save(emulator.url, {
      accessToken: 'stale-access-token',
      refreshToken: 'stale-refresh-token',
      expiresAt: new Date(0),
      memberId: null,
      scope: null,
    });
    await client(config).call('crm.deal.list');
    expect(proxy.requests).toBe(2);
    expect((await store.load(emulator.url))?.accessToken).not.toBe('stale-access-token');
  });

  it('names the client settings when the app credentials are wrong (invalid_client)', async () => {
    const error = await failureOf(
      client(auth({ clientSecret: new Secret('wrong-client-secret') })).call('crm.deal.list'),
    );
    expect(error).toMatchObject({
      code: 'invalid_client',
      classification: Bitrix24ErrorClass.Auth,
      stopsRuns: true,
    });
    expect(error.message).toContain('BITRIX24_CLIENT_SECRET');
  });

  it('says how to get tokens when none are stored and no refresh token is configured', async () => {
    await expect(client(auth({ refreshToken: undefined })).call('crm.deal.list')).rejects.toMatchObject({
      code: 'NO_OAUTH_TOKENS',
      classification: Bitrix24ErrorClass.Auth,
      stopsRuns: true,
    });
  });

  it('reports tokens stored under another ENCRYPTION_KEY as unreadable', async () => {
    await client(auth()).call('crm.deal.list');
    const otherKey = new OAuthTokenStore(
      new OAuthTokenRepository(db.dataSource),
      TokenCipher.fromEncryptionKey(new Secret('another-encryption-key-of-32-chars!!')),
      db.dataSource,
    );
    await expect(
      client(auth({ refreshToken: undefined }), otherKey).call('crm.deal.list'),
    ).rejects.toMatchObject({
      code: 'TOKEN_STORE_UNREADABLE',
      stopsRuns: true,
    });
  });

  it('accepts installed tokens after a fatal error and works again', async () => {
    const broken = client(auth({ refreshToken: new Secret('never-issued-refresh-token') }));
    await expect(broken.call('crm.deal.list')).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(broken.oauth!.install(emulator.issueRefreshToken(), 'app-token-1234')).resolves.toBe(
      InstallOutcome.Installed,
    );
    await expect(broken.call('crm.deal.list')).resolves.toMatchObject({ result: [] });
    expect(await store.loadApplicationToken(emulator.url)).toBe('app-token-1234');
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Global, Module, ValidationPipe, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ConfigModule } from '../../src/config/config.module.js';
import type { AppConfig } from '../../src/config/config.types.js';
import { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { Bitrix24InstallModule } from '../../src/bitrix24/bitrix24-install.module.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { buildTestConfig } from '../support/config.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';
import { issueTokenPair } from './support/emulator-client.js';

describe('POST /bitrix24/install', () => {
  let db: TestDataSource;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    db = await createMigratedDataSource();
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
    await db.close();
  });

  async function boot(config: AppConfig): Promise<{ app: INestApplication; url: string }> {
    @Global()
    @Module({
      providers: [{ provide: getDataSourceToken(), useValue: db.dataSource }],
      exports: [getDataSourceToken()],
    })
    class StateDatabaseModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), StateDatabaseModule, Bitrix24InstallModule],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    await app.listen(0, '127.0.0.1');
    return { app, url: `${await app.getUrl()}/bitrix24/install`.replace('[::1]', '127.0.0.1') };
  }

  const oauthConfig = (env: Record<string, string> = {}) =>
    buildTestConfig({
      BITRIX24_PORTAL_URL: emulator.url,
      BITRIX24_CLIENT_ID: emulator.oauth.clientId,
      BITRIX24_CLIENT_SECRET: emulator.oauth.clientSecret,
      BITRIX24_OAUTH_TOKEN_URL: emulator.oauth.tokenUrl,
      ENCRYPTION_KEY: 'k'.repeat(40),
      ...env,
    });

  const post = (url: string, form: Record<string, string>, query = '') =>
    fetch(`${url}${query}`, { method: 'POST', body: new URLSearchParams(form) });

  const storedRows = () =>
    db.dataSource.query<Array<Record<string, string>>>(
      'SELECT portal, member_id, access_token_enc FROM oauth_token',
    );

  /** The ONAPPINSTALL event form as the portal posts it, with a fresh pair (overrides win; undefined drops a field). */
  async function installEvent(
    overrides: Record<string, string | undefined> = {},
  ): Promise<Record<string, string>> {
    const pair = await issueTokenPair(emulator);
    const form: Record<string, string | undefined> = {
      event: 'ONAPPINSTALL',
      'data[VERSION]': '1',
      'data[LANGUAGE_ID]': 'en',
      ts: '1700000000',
      'auth[access_token]': pair.access_token,
      'auth[refresh_token]': pair.refresh_token,
      'auth[expires_in]': '3600',
      'auth[domain]': new URL(emulator.url).host,
      'auth[member_id]': pair.member_id,
      'auth[application_token]': 'app-token-1234',
      'auth[scope]': 'crm',
      ...overrides,
    };
    return Object.fromEntries(
      Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  }

  /** Asks the emulator's token server to rotate a refresh token; true when it accepted it. */
  const refreshWorks = async (refreshToken: string) =>
    (
      await fetch(emulator.oauth.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: emulator.oauth.clientId,
          client_secret: emulator.oauth.clientSecret,
          refresh_token: refreshToken,
        }),
      })
    ).ok;

  describe('with an OAuth app configured', () => {
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      ({ app, url } = await boot(oauthConfig()));
    });
    beforeEach(async () => {
      await db.dataSource.query('DELETE FROM oauth_token');
    });
    afterAll(async () => app.close());

    it('stores the pair posted in the app-frame form and uses it for calls', async () => {
      const pair = await issueTokenPair(emulator);
      const host = new URL(emulator.url).host;
      const answer = await post(
        url,
        {
          AUTH_ID: pair.access_token,
          AUTH_EXPIRES: '3600',
          REFRESH_ID: pair.refresh_token,
          SERVER_ENDPOINT: 'https://oauth.bitrix.info/rest/',
          APPLICATION_TOKEN: 'app-token-1234',
          member_id: pair.member_id,
          status: 'L',
          PLACEMENT: 'DEFAULT',
          PLACEMENT_OPTIONS: '{"any":"thing"}',
        },
        `?DOMAIN=${host}&PROTOCOL=0&LANG=en&APP_SID=abc`,
      );
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ installed: true, portal: emulator.url });
      expect(await storedRows()).toEqual([
        expect.objectContaining({ portal: emulator.url, member_id: pair.member_id }),
      ]);
      await expect(app.get(Bitrix24Client).call('crm.deal.list')).resolves.toMatchObject({ result: [] });
    });

    it('stores the pair posted as an ONAPPINSTALL event form', async () => {
      const answer = await post(url, await installEvent());
      expect(answer.status).toBe(200);
      expect(await storedRows()).toHaveLength(1);
    });

    it('proves the posted refresh token by using it: the pair issued for it is stored', async () => {
      const form = await installEvent();
      expect((await post(url, form)).status).toBe(200);
      expect(await refreshWorks(form['auth[refresh_token]'])).toBe(false);
      await expect(app.get(Bitrix24Client).call('crm.deal.list')).resolves.toMatchObject({ result: [] });
    });

    it('refuses a refresh token the token server does not accept, and stores nothing', async () => {
      const answer = await post(url, await installEvent({ 'auth[refresh_token]': 'never-issued-refresh' }));
      expect(answer.status).toBe(403);
      expect(JSON.stringify(await answer.json())).not.toContain('never-issued');
      expect(await storedRows()).toEqual([]);
    });

    it('refuses forged tokens without echoing them, and stores nothing', async () => {
      const answer = await post(
        url,
        await installEvent({
          'auth[access_token]': 'forged-access-token',
          'auth[refresh_token]': 'forged-refresh-token',
        }),
      );
      expect(answer.status).toBe(403);
      expect(JSON.stringify(await answer.json())).not.toContain('forged');
      expect(await storedRows()).toEqual([]);
    });

    it('refuses an installation without application_token, and stores nothing', async () => {
      const answer = await post(url, await installEvent({ 'auth[application_token]': undefined }));
      expect(answer.status).toBe(400);
      expect(JSON.stringify(await answer.json())).toContain('APPLICATION_TOKEN');
      expect(await storedRows()).toEqual([]);
    });

    it('refuses a later installation whose application_token is not the first one, and keeps the stored pair', async () => {
      expect((await post(url, await installEvent())).status).toBe(200);
      const before = await storedRows();
      const form = await installEvent({ 'auth[application_token]': 'another-app-token' });
      const answer = await post(url, form);
      expect(answer.status).toBe(403);
      expect(JSON.stringify(await answer.json())).not.toContain('another-app-token');
      expect(await storedRows()).toEqual(before);
      expect(await refreshWorks(form['auth[refresh_token]'])).toBe(true);
    });

    it('accepts a later installation with the application_token of the first one', async () => {
      expect((await post(url, await installEvent())).status).toBe(200);
      const before = await storedRows();
      expect((await post(url, await installEvent())).status).toBe(200);
      expect(await storedRows()).not.toEqual(before);
    });

    it('refuses an installation that names no domain, and stores nothing', async () => {
      const answer = await post(url, await installEvent({ 'auth[domain]': undefined }));
      expect(answer.status).toBe(400);
      expect(JSON.stringify(await answer.json())).toContain('DOMAIN');
      expect(await storedRows()).toEqual([]);
    });

    it('refuses an installation from another portal without calling it', async () => {
      const form = await installEvent({ 'auth[domain]': 'evil.example.com' });
      const requests = emulator.stats().requests;
      const answer = await post(url, form);
      expect(answer.status).toBe(403);
      expect(emulator.stats().requests).toBe(requests);
      expect(await storedRows()).toEqual([]);
    });

    it('answers 400 when the tokens are missing', async () => {
      const answer = await post(url, { member_id: 'm1' });
      expect(answer.status).toBe(400);
    });
  });

  describe('with BITRIX24_APPLICATION_TOKEN configured', () => {
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      ({ app, url } = await boot(oauthConfig({ BITRIX24_APPLICATION_TOKEN: 'configured-app-token' })));
    });
    beforeEach(async () => {
      await db.dataSource.query('DELETE FROM oauth_token');
    });
    afterAll(async () => app.close());

    it('refuses a first installation with another application_token, and stores nothing', async () => {
      const answer = await post(url, await installEvent({ 'auth[application_token]': 'app-token-1234' }));
      expect(answer.status).toBe(403);
      expect(await storedRows()).toEqual([]);
    });

    it('stores the pair of an installation with the configured application_token', async () => {
      const answer = await post(
        url,
        await installEvent({ 'auth[application_token]': 'configured-app-token' }),
      );
      expect(answer.status).toBe(200);
      expect(await storedRows()).toHaveLength(1);
    });
  });

  it('answers 503 and stores nothing when the token server cannot be reached', async () => {
    const { app, url } = await boot(
      oauthConfig({ BITRIX24_OAUTH_TOKEN_URL: 'http://127.0.0.1:1/oauth/token/' }),
    );
    try {
      await db.dataSource.query('DELETE FROM oauth_token');
      const answer = await post(url, await installEvent());
      expect(answer.status).toBe(503);
      expect(await storedRows()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('answers 409 when the daemon uses an incoming webhook', async () => {
    const { app, url } = await boot(buildTestConfig({ BITRIX24_WEBHOOK_URL: emulator.webhookUrl }));
    try {
      const answer = await post(url, { AUTH_ID: 'a'.repeat(20), REFRESH_ID: 'b'.repeat(20) });
      expect(answer.status).toBe(409);
    } finally {
      await app.close();
    }
  });
});

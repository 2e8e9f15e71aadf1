import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createMigratedDataSource, type TestDataSource } from '../../test/support/database.js';
import { OAuthTokenRepository, type EncryptedTokenPair } from './oauth-token.repository.js';

const pair = (overrides: Partial<EncryptedTokenPair> = {}): EncryptedTokenPair => ({
  portal: 'https://a.bitrix24.com',
  accessTokenEnc: 'v1.access',
  refreshTokenEnc: 'v1.refresh',
  expiresAt: new Date('2026-11-28T12:00:00Z'),
  memberId: 'member-1',
  scope: 'crm',
  ...overrides,
});

describe(OAuthTokenRepository.name, () => {
  let db: TestDataSource;
  let repository: OAuthTokenRepository;

  beforeAll(async () => {
    db = await createMigratedDataSource();
    repository = new OAuthTokenRepository(db.dataSource);
  });
  afterAll(async () => db.close());
  beforeEach(async () => {
    await db.dataSource.query('DELETE FROM oauth_token');
  });

  it('finds nothing for a portal that never stored tokens', async () => {
    expect(await repository.findPair('https://none.bitrix24.com')).toBeNull();
  });

  it('stores a pair and reads it back', async () => {
    await repository.storeRotatedPair(pair());
    expect(await repository.findPair('https://a.bitrix24.com')).toEqual(pair({ applicationTokenEnc: null }));
  });

  it('keeps the application token of the installation through rotations', async () => {
    await repository.storeRotatedPair(pair({ applicationTokenEnc: 'v1.app' }));
    await repository.storeRotatedPair(pair({ accessTokenEnc: 'v1.access2' }));
    expect(await repository.findPair('https://a.bitrix24.com')).toMatchObject({
      accessTokenEnc: 'v1.access2',
      applicationTokenEnc: 'v1.app',
    });
  });

  it('replaces the pair on rotation and bumps updated_at, keeping one row per portal', async () => {
    await repository.storeRotatedPair(pair());
    await db.dataSource.query(`UPDATE oauth_token SET updated_at = now() - interval '1 hour'`);
    await repository.storeRotatedPair(
      pair({ accessTokenEnc: 'v1.access2', refreshTokenEnc: 'v1.refresh2', memberId: null }),
    );
    const rows = await db.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT access_token_enc, refresh_token_enc, member_id, updated_at > now() - interval '1 minute' AS fresh FROM oauth_token`,
    );
    expect(rows).toEqual([
      { access_token_enc: 'v1.access2', refresh_token_enc: 'v1.refresh2', member_id: null, fresh: true },
    ]);
  });

  it('keeps portals apart', async () => {
    await repository.storeRotatedPair(pair());
    await repository.storeRotatedPair(pair({ portal: 'https://b.bitrix24.com', accessTokenEnc: 'v1.b' }));
    expect((await repository.findPair('https://a.bitrix24.com'))?.accessTokenEnc).toBe('v1.access');
    expect((await repository.findPair('https://b.bitrix24.com'))?.accessTokenEnc).toBe('v1.b');
  });

  it('forgets a pair', async () => {
    await repository.storeRotatedPair(pair());
    await repository.forgetPair('https://a.bitrix24.com');
    expect(await repository.findPair('https://a.bitrix24.com')).toBeNull();
  });
});

import type { DataSource } from 'typeorm';
import { withAdvisoryLock } from '../persistence/advisory-lock.js';
import type { OAuthTokenRepository } from '../persistence/oauth-token.repository.js';
import type { TokenCipher } from './token.cipher.js';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAt: Date;
  readonly memberId: string | null;
  readonly scope: string | null;
}

/** The OAuth pair of a portal in `oauth_token`, encrypted with ENCRYPTION_KEY; refreshes serialized across replicas. */
export class OAuthTokenStore {
  constructor(
    private readonly repository: OAuthTokenRepository,
    private readonly cipher: TokenCipher,
    private readonly dataSource: DataSource,
  ) {}

  /** Throws TokenCipherError when the stored pair cannot be decrypted (ENCRYPTION_KEY changed). */
  async load(portal: string): Promise<TokenPair | undefined> {
    const row = await this.repository.findPair(portal);
    if (!row) {
      return undefined;
    }
    return {
      accessToken: this.cipher.decrypt(row.accessTokenEnc, `${portal}|access`),
      refreshToken: this.cipher.decrypt(row.refreshTokenEnc, `${portal}|refresh`),
      expiresAt: row.expiresAt,
      memberId: row.memberId,
      scope: row.scope,
    };
  }

  /** The application_token stored at the first installation, if any (throws TokenCipherError like load). */
  async loadApplicationToken(portal: string): Promise<string | undefined> {
    const encrypted = (await this.repository.findPair(portal))?.applicationTokenEnc;
    return encrypted ? this.cipher.decrypt(encrypted, `${portal}|application`) : undefined;
  }

  /** Stores a rotated pair; with an application token (an installation) that is stored too. */
  async save(portal: string, pair: TokenPair, applicationToken?: string): Promise<void> {
    await this.repository.storeRotatedPair({
      portal,
      accessTokenEnc: this.cipher.encrypt(pair.accessToken, `${portal}|access`),
      refreshTokenEnc: this.cipher.encrypt(pair.refreshToken, `${portal}|refresh`),
      expiresAt: pair.expiresAt,
      memberId: pair.memberId,
      scope: pair.scope,
      applicationTokenEnc:
        applicationToken === undefined
          ? undefined
          : this.cipher.encrypt(applicationToken, `${portal}|application`),
    });
  }

  /**
   * Refresh tokens are single use: two replicas refreshing with the same one would leave one of them
   * with invalid_grant. The refresh runs under a PostgreSQL advisory lock per portal.
   */
  withRefreshLock<T>(portal: string, work: () => Promise<T>): Promise<T> {
    return withAdvisoryLock(this.dataSource, `oauth-refresh:${portal}`, work);
  }
}

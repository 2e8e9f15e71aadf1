import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { OAuthToken } from './entities/oauth-token.entity.js';

/** One portal's OAuth pair as stored: both tokens already encrypted by the caller. */
export interface EncryptedTokenPair {
  readonly portal: string;
  readonly accessTokenEnc: string;
  readonly refreshTokenEnc: string;
  readonly expiresAt: Date;
  readonly memberId: string | null;
  readonly scope: string | null;
  /**
   * The application_token of the installation, encrypted. Undefined when storing leaves the stored
   * one as it is (a rotation); null when none was ever stored.
   */
  readonly applicationTokenEnc?: string | null;
}

/** The `oauth_token` table: at most one pair per portal, replaced whole on every rotation. */
@Injectable()
export class OAuthTokenRepository {
  private readonly tokens: Repository<OAuthToken>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.tokens = dataSource.getRepository(OAuthToken);
  }

  async findPair(portal: string): Promise<EncryptedTokenPair | null> {
    const row = await this.tokens.findOneBy({ portal });
    if (!row) {
      return null;
    }
    return {
      portal: row.portal,
      accessTokenEnc: row.accessTokenEnc,
      refreshTokenEnc: row.refreshTokenEnc,
      expiresAt: row.expiresAt,
      memberId: row.memberId,
      scope: row.scope,
      applicationTokenEnc: row.applicationTokenEnc,
    };
  }

  /**
   * Stores a freshly issued or rotated pair; the previous pair of the portal is gone afterwards. The
   * application token is written only when given (an installation), so rotations keep it.
   */
  async storeRotatedPair(pair: EncryptedTokenPair): Promise<void> {
    await this.tokens.upsert(
      {
        portal: pair.portal,
        accessTokenEnc: pair.accessTokenEnc,
        refreshTokenEnc: pair.refreshTokenEnc,
        expiresAt: pair.expiresAt,
        memberId: pair.memberId,
        scope: pair.scope,
        applicationTokenEnc: pair.applicationTokenEnc,
        updatedAt: () => 'now()',
      },
      { conflictPaths: ['portal'] },
    );
  }

  /** Drops the pair, e.g. after the portal rejected its refresh token for good. */
  async forgetPair(portal: string): Promise<void> {
    await this.tokens.delete({ portal });
  }
}

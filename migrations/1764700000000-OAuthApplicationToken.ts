import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The application_token Bitrix24 sent with the first installation, encrypted like the pair: a later
 * installation callback must present the same one before it may replace the stored tokens.
 */
export class OAuthApplicationToken1764700000000 implements MigrationInterface {
  name = 'OAuthApplicationToken1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE oauth_token ADD COLUMN application_token_enc text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE oauth_token DROP COLUMN application_token_enc`);
  }
}

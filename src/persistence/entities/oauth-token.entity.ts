import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The OAuth pair of one portal, encrypted at rest (AES-256-GCM with ENCRYPTION_KEY). */
@Entity('oauth_token')
export class OAuthToken {
  /** Portal origin, e.g. https://example.bitrix24.com */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_oauth_token' })
  portal!: string;

  @Column({ name: 'access_token_enc', type: 'text' })
  accessTokenEnc!: string;

  @Column({ name: 'refresh_token_enc', type: 'text' })
  refreshTokenEnc!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'member_id', type: 'text', nullable: true })
  memberId!: string | null;

  @Column({ type: 'text', nullable: true })
  scope!: string | null;

  /** The application_token of the first installation; later installations must present it. */
  @Column({ name: 'application_token_enc', type: 'text', nullable: true })
  applicationTokenEnc!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

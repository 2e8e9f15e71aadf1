import type { ErpDialect, LogLevel } from './env.schema.js';
import type { MappingConfig } from './mapping.schema.js';
import type { Secret } from './secret.js';

export type {
  MappingConfig,
  FieldConfig,
  SourceConfig,
  DeleteConfig,
  FieldType,
  EntityType,
  Ownership,
  DeletePolicy,
} from './mapping.schema.js';
export type { ErpDialect, LogLevel } from './env.schema.js';

export interface RateLimitConfig {
  /** Requests the portal's bucket drains per second. @default 2 */
  readonly drainPerSecond: number;
  /** Requests the bucket holds before the portal answers QUERY_LIMIT_EXCEEDED. @default 50 */
  readonly capacity: number;
}

export interface WebhookAuthConfig {
  readonly kind: 'webhook';
  /** `https://portal.bitrix24.com` (no /rest suffix). */
  readonly portalUrl: string;
  readonly userId: number;
  readonly secret: Secret;
}

export interface OAuthConfig {
  readonly kind: 'oauth';
  readonly portalUrl: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  /** Seeds the token store on first start; later refresh tokens come from the store. */
  readonly refreshToken: Secret | undefined;
  readonly tokenUrl: string;
  /**
   * BITRIX24_APPLICATION_TOKEN: the application_token an installation callback must present. Without
   * it, the one of the first installation (stored) is required from then on.
   */
  readonly applicationToken?: Secret;
}

export type Bitrix24AuthConfig = WebhookAuthConfig | OAuthConfig;

export interface DatabaseConfig {
  readonly url: Secret;
  readonly dialect: ErpDialect;
}

export interface AppConfig {
  /** State PostgreSQL; undefined means the embedded PostgreSQL (outside the container image). */
  readonly stateDatabaseUrl: Secret | undefined;
  readonly erpDatabase: DatabaseConfig | undefined;
  readonly bitrix24: {
    readonly auth: Bitrix24AuthConfig | undefined;
    readonly rateLimit: RateLimitConfig;
  };
  readonly encryptionKey: Secret | undefined;
  readonly adminToken: Secret | undefined;
  readonly syncConfigPath: string;
  readonly mappings: readonly MappingConfig[];
  readonly http: { readonly port: number };
  readonly log: { readonly level: LogLevel; readonly format: 'json' | 'pretty' };
  /** Days sync operations are kept in the sync log; run summaries stay. @default 30 */
  readonly retentionDays: number;
  /**
   * How long a running run's lease lasts without renewal; another process may close the run after that. A run sends
   * nothing once less than half of it is left, so it must exceed twice the Bitrix24 request timeout. @default 2m
   */
  readonly runLeaseTtlMs: number;
  readonly runtime: 'local' | 'container';
  /** Demo mode: embedded state database, demo ERP schema and the emulator as the portal. */
  readonly demo: boolean;
  /** What is still missing before real syncing can happen (empty when fully configured). */
  readonly missingForSync: readonly string[];
}

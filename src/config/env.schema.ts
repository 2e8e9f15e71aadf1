import { z } from 'zod';
import { Secret } from './secret.js';
import { parseDuration } from './duration.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ERP_PROTOCOLS = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
} as const;
export type ErpDialect = (typeof ERP_PROTOCOLS)[keyof typeof ERP_PROTOCOLS];

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const stateDatabaseUrl = optionalText.superRefine((value, ctx) => {
  if (value === undefined) {
    return;
  }
  const url = parseUrl(value);
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a postgres://user:password@host:5432/database URL (value hidden)',
    });
  }
});

const erpDatabaseUrl = optionalText.superRefine((value, ctx) => {
  if (value === undefined) {
    return;
  }
  const url = parseUrl(value);
  if (!url) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a postgres://, mysql:// or mariadb:// URL (value hidden)',
    });
  } else if (!(url.protocol in ERP_PROTOCOLS)) {
    ctx.addIssue({
      code: 'custom',
      message: `unsupported database "${url.protocol.replace(/:$/, '')}": expected postgres://, mysql:// or mariadb://`,
    });
  }
});

/** `https://portal.bitrix24.com/rest/1/abc123secret/` (trailing slash and a method suffix tolerated). */
const WEBHOOK_URL = /^(https?:\/\/[^/\s]+(?:\/[^/\s]+)*?)\/rest\/(\d+)\/([^/\s]+)\/?$/;

const webhookUrl = optionalText.superRefine((value, ctx) => {
  if (value !== undefined && !WEBHOOK_URL.test(value)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected https://<portal>/rest/<user id>/<secret>/ as shown by Bitrix24 for an incoming webhook (value hidden)',
    });
  }
});

const httpUrl = (example: string) =>
  optionalText.superRefine((value, ctx) => {
    const url = value === undefined ? undefined : parseUrl(value);
    if (value !== undefined && (!url || !['http:', 'https:'].includes(url.protocol))) {
      ctx.addIssue({ code: 'custom', message: `expected an http(s) URL like ${example}, got "${value}"` });
    }
  });

const rateLimit = optionalText.transform((value, ctx) => {
  const text = value ?? '2/50';
  const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(text);
  const drainPerSecond = match ? Number(match[1]) : NaN;
  const capacity = match ? Number(match[2]) : NaN;
  if (!match || !(drainPerSecond > 0) || !(capacity >= 1)) {
    ctx.addIssue({ code: 'custom', message: `expected "<drain>/<capacity>" like 2/50, got "${text}"` });
    return z.NEVER;
  }
  return { drainPerSecond, capacity };
});

const port = optionalText.transform((value, ctx) => {
  const parsed = value === undefined ? 3000 : Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    ctx.addIssue({ code: 'custom', message: `expected a TCP port number 0-65535, got "${value}"` });
    return z.NEVER;
  }
  return parsed;
});

const retentionDays = optionalText.transform((value, ctx) => {
  const parsed = value === undefined ? 30 : Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 3650) {
    ctx.addIssue({ code: 'custom', message: `expected a whole number of days 1-3650, got "${value}"` });
    return z.NEVER;
  }
  return parsed;
});

const runLeaseTtl = optionalText.transform((value, ctx) => {
  const parsed = value === undefined ? 120_000 : parseDuration(value);
  if (parsed === undefined || parsed < 2_000 || parsed > 3_600_000) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration from 2s to 1h like 2m or 90s, got "${value}"`,
    });
    return z.NEVER;
  }
  return parsed;
});

const oneOf = <T extends string>(values: readonly T[], fallback: T | undefined) =>
  optionalText.transform((value, ctx) => {
    const chosen = value ?? fallback;
    if (chosen !== undefined && !values.includes(chosen as T)) {
      ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}, got "${value}"` });
      return z.NEVER;
    }
    return chosen as T | undefined;
  });

const minLengthSecret = (minimum: number, what: string) =>
  optionalText.superRefine((value, ctx) => {
    if (value !== undefined && value.length < minimum) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be at least ${minimum} characters long (value hidden)`,
      });
    }
  });

/** Every environment variable the daemon reads (DESIGN §6). Unknown variables are ignored. */
export const envSchema = z.object({
  DATABASE_URL: stateDatabaseUrl,
  ERP_DATABASE_URL: erpDatabaseUrl,
  BITRIX24_WEBHOOK_URL: webhookUrl,
  BITRIX24_PORTAL_URL: httpUrl('https://example.bitrix24.com'),
  BITRIX24_CLIENT_ID: optionalText,
  BITRIX24_CLIENT_SECRET: optionalText,
  BITRIX24_REFRESH_TOKEN: optionalText,
  BITRIX24_OAUTH_TOKEN_URL: httpUrl('https://oauth.bitrix.info/oauth/token/'),
  BITRIX24_APPLICATION_TOKEN: minLengthSecret(8, 'BITRIX24_APPLICATION_TOKEN'),
  BITRIX24_RATE_LIMIT: rateLimit,
  ENCRYPTION_KEY: minLengthSecret(32, 'ENCRYPTION_KEY'),
  ADMIN_TOKEN: minLengthSecret(24, 'ADMIN_TOKEN'),
  SYNC_CONFIG: optionalText,
  PORT: port,
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  LOG_FORMAT: oneOf(['json', 'pretty'] as const, undefined),
  SYNC_RUNTIME: oneOf(['local', 'container'] as const, 'local'),
  DEMO: oneOf(['auto', 'on', 'off'] as const, undefined),
  RETENTION_DAYS: retentionDays,
  RUN_LEASE_TTL: runLeaseTtl,
});

export type RawEnv = z.output<typeof envSchema>;

export function erpDialectOf(url: string): ErpDialect {
  return ERP_PROTOCOLS[new URL(url).protocol as keyof typeof ERP_PROTOCOLS];
}

export function splitWebhookUrl(value: string): { portalUrl: string; userId: number; secret: Secret } {
  const match = WEBHOOK_URL.exec(value);
  if (!match) {
    throw new Error('BITRIX24_WEBHOOK_URL is malformed');
  }
  return { portalUrl: match[1], userId: Number(match[2]), secret: new Secret(match[3]) };
}

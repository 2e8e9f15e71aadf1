import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config.error.js';
import type { AppConfig, Bitrix24AuthConfig } from './config.types.js';
import { envSchema, erpDialectOf, splitWebhookUrl, type RawEnv } from './env.schema.js';
import { syncFileSchema, type MappingConfig } from './mapping.schema.js';
import { Secret } from './secret.js';

export const DEFAULT_SYNC_CONFIG = './sync.config.yaml';
export const DEFAULT_OAUTH_TOKEN_URL = 'https://oauth.bitrix.info/oauth/token/';

export interface LoadConfigOptions {
  /** Base for a relative SYNC_CONFIG. @default process.cwd() */
  readonly cwd?: string;
  /** Whether stdout is a terminal; picks the default log format. @default false */
  readonly isTty?: boolean;
}

type EnvSource = Readonly<Record<string, string | undefined>>;

/** Reads the environment and the mapping file once; throws ConfigError listing every problem. */
export function loadConfig(env: EnvSource, options: LoadConfigOptions = {}): AppConfig {
  const problems: string[] = [];
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) {
    problems.push(...parsedEnv.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const raw = parsedEnv.success ? parsedEnv.data : undefined;
  const auth = raw ? resolveAuth(raw, problems) : undefined;
  const explicitPath = env.SYNC_CONFIG?.trim() || undefined;
  const syncConfigPath = resolve(options.cwd ?? process.cwd(), explicitPath ?? DEFAULT_SYNC_CONFIG);
  const mappings = readMappingFile(syncConfigPath, explicitPath !== undefined, problems);
  if (!raw || problems.length > 0) {
    throw new ConfigError(problems);
  }

  const runtime = raw.SYNC_RUNTIME ?? 'local';
  const missingForSync = listMissingForSync(raw, auth, mappings);
  const nothingConfigured = !raw.ERP_DATABASE_URL && !auth && mappings.length === 0;
  const demo =
    raw.DEMO === 'on' || (runtime === 'local' && (raw.DEMO ?? 'auto') === 'auto' && nothingConfigured);
  if (runtime === 'container' && !demo) {
    problems.push(...containerProblems(raw, missingForSync));
  }
  if (auth?.kind === 'oauth' && !raw.ENCRYPTION_KEY) {
    problems.push(
      'ENCRYPTION_KEY: required with OAuth, to store the rotating tokens encrypted (32+ characters)',
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }

  return deepFreeze<AppConfig>({
    stateDatabaseUrl: secretOrUndefined(raw.DATABASE_URL),
    erpDatabase: raw.ERP_DATABASE_URL
      ? { url: new Secret(raw.ERP_DATABASE_URL), dialect: erpDialectOf(raw.ERP_DATABASE_URL) }
      : undefined,
    bitrix24: { auth, rateLimit: raw.BITRIX24_RATE_LIMIT },
    encryptionKey: secretOrUndefined(raw.ENCRYPTION_KEY),
    adminToken: secretOrUndefined(raw.ADMIN_TOKEN),
    syncConfigPath,
    mappings,
    http: { port: raw.PORT },
    log: { level: raw.LOG_LEVEL ?? 'info', format: raw.LOG_FORMAT ?? (options.isTty ? 'pretty' : 'json') },
    retentionDays: raw.RETENTION_DAYS,
    runLeaseTtlMs: raw.RUN_LEASE_TTL,
    runtime,
    demo,
    missingForSync,
  });
}

function resolveAuth(raw: RawEnv, problems: string[]): Bitrix24AuthConfig | undefined {
  const oauthVars = {
    BITRIX24_PORTAL_URL: raw.BITRIX24_PORTAL_URL,
    BITRIX24_CLIENT_ID: raw.BITRIX24_CLIENT_ID,
    BITRIX24_CLIENT_SECRET: raw.BITRIX24_CLIENT_SECRET,
  };
  const oauthGiven = Object.entries(oauthVars).filter(([, value]) => value !== undefined);
  const oauthOnly = (['BITRIX24_REFRESH_TOKEN', 'BITRIX24_APPLICATION_TOKEN'] as const).filter(
    (name) => raw[name] !== undefined,
  );
  if (raw.BITRIX24_WEBHOOK_URL && (oauthGiven.length > 0 || oauthOnly.length > 0)) {
    problems.push(
      'BITRIX24_WEBHOOK_URL: set either an incoming webhook or the OAuth app variables (BITRIX24_PORTAL_URL, BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET), not both',
    );
    return undefined;
  }
  if (raw.BITRIX24_WEBHOOK_URL) {
    return { kind: 'webhook', ...splitWebhookUrl(raw.BITRIX24_WEBHOOK_URL) };
  }
  if (oauthGiven.length === 0) {
    for (const name of oauthOnly) {
      problems.push(`${name}: needs BITRIX24_PORTAL_URL, BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET`);
    }
    return undefined;
  }
  const missing = Object.entries(oauthVars).filter(([, value]) => value === undefined);
  for (const [name] of missing) {
    problems.push(
      `${name}: required for OAuth (set together with ${oauthGiven.map(([given]) => given).join(', ')})`,
    );
  }
  if (missing.length > 0) {
    return undefined;
  }
  return {
    kind: 'oauth',
    portalUrl: new URL(raw.BITRIX24_PORTAL_URL!).origin,
    clientId: raw.BITRIX24_CLIENT_ID!,
    clientSecret: new Secret(raw.BITRIX24_CLIENT_SECRET!),
    refreshToken: secretOrUndefined(raw.BITRIX24_REFRESH_TOKEN),
    tokenUrl: raw.BITRIX24_OAUTH_TOKEN_URL ?? DEFAULT_OAUTH_TOKEN_URL,
    applicationToken: secretOrUndefined(raw.BITRIX24_APPLICATION_TOKEN),
  };
}

function readMappingFile(path: string, explicit: boolean, problems: string[]): MappingConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) {
      return [];
    }
    problems.push(
      `SYNC_CONFIG: cannot read mapping file ${path}: ${code === 'ENOENT' ? 'file not found' : code}`,
    );
    return [];
  }
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const at = error.linePos?.[0];
      const where = at ? ` at line ${at.line}, column ${at.col}` : '';
      problems.push(`SYNC_CONFIG: YAML syntax error in ${path}${where}: ${error.message.split('\n')[0]}`);
    }
    return [];
  }
  const data: unknown = document.toJS() ?? {};
  const parsed = syncFileSchema.safeParse(data);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.flatMap((issue) => describeIssue(issue, data)));
    return [];
  }
  return parsed.data.mappings;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
  }
  if (issue.code === 'invalid_key') {
    return [`${formatPath(issue.path)}: ${issue.issues.map((nested) => nested.message).join('; ')}`];
  }
  const missing =
    (issue.code === 'invalid_type' || issue.code === 'invalid_union') &&
    valueAt(data, issue.path) === undefined;
  return [`${formatPath(issue.path)}: ${missing ? 'required' : issue.message}`];
}

/** `['mappings', 1, 'source', 'key']` → `mappings[1].source.key`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) {
    return '(mapping file)';
  }
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function listMissingForSync(
  raw: RawEnv,
  auth: Bitrix24AuthConfig | undefined,
  mappings: MappingConfig[],
): string[] {
  const missing: string[] = [];
  if (!raw.ERP_DATABASE_URL) {
    missing.push('ERP_DATABASE_URL: the ERP database to read (postgres://, mysql:// or mariadb://)');
  }
  if (!auth) {
    missing.push(
      'BITRIX24_WEBHOOK_URL: the portal incoming webhook (or the OAuth app: BITRIX24_PORTAL_URL, BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET)',
    );
  }
  if (mappings.length === 0) {
    missing.push(`SYNC_CONFIG: a mapping file with at least one mapping (default ${DEFAULT_SYNC_CONFIG})`);
  }
  return missing;
}

function containerProblems(raw: RawEnv, missingForSync: readonly string[]): string[] {
  const problems = missingForSync.map((missing) => `${missing} — required in the container image`);
  if (!raw.DATABASE_URL) {
    problems.push(
      'DATABASE_URL: required in the container image (the embedded PostgreSQL is for local use only)',
    );
  }
  return problems;
}

function secretOrUndefined(value: string | undefined): Secret | undefined {
  return value === undefined ? undefined : new Secret(value);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Secret) && !Object.isFrozen(value)) {
    for (const nested of Object.values(value)) {
      deepFreeze(nested);
    }
    Object.freeze(value);
  }
  return value;
}

/** The one place that reads the process environment. */
export function loadConfigFromProcess(): AppConfig {
  return loadConfig(process.env, { isTty: process.stdout.isTTY === true });
}

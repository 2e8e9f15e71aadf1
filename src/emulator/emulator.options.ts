import { randomBytes } from 'node:crypto';
import { resolveFaults, type FaultOptions, type ResolvedFaults } from './faults.js';
import { DEFAULT_RATE_LIMIT, validateRateLimit, type LeakyBucketLimits } from './leaky-bucket.js';
import type { OAuthDomainField } from './oauth.js';
import { DEFAULT_ACCESS, type AccessState } from './rest-auth.js';
import type { BatchCharge } from './rest-dispatcher.js';
import type { ErrorStatusProfile } from './rest-error.js';

export interface OperatingOptions {
  /** Window sum (virtual seconds per 10 min) above which a method is blocked. @default 480 */
  limitSeconds?: number;
  /** Batch accounting: 'nested' (docs + server code) or 'batch' (measured in the cloud). @default 'nested' */
  batchCharge?: BatchCharge;
  /**
   * Simulated execution time per call (per item for `crm.item.batchImport`), virtual seconds, by method
   * name (case-insensitive, like the server's lookup); '*' is the fallback. @default { '*': 0.05 }
   */
  methodCostSeconds?: Record<string, number>;
}

export interface EmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /**
   * Listen address; the URLs it reports keep 127.0.0.1 unless this is a specific address. `0.0.0.0` is for a
   * container network (docker-compose), where other services reach it by service name.
   * @default '127.0.0.1'
   */
  host?: string;
  /** Serve HTTPS with a throwaway self-signed certificate (see `RunningEmulator.ca`). @default false */
  https?: boolean;
  /** Portal leaky bucket. @default { drainPerSecond: 2, capacity: 50 } */
  rateLimit?: LeakyBucketLimits;
  /** Virtual time runs this many times faster than real time. @default 1 */
  clockSpeed?: number;
  operating?: OperatingOptions;
  /** Cloud mode: `time.operating`/`operating_reset_at` present. @default true */
  cloud?: boolean;
  /** @default 3600 */
  accessTokenLifetimeSeconds?: number;
  /** @default 15552000 (180 days) */
  refreshTokenLifetimeSeconds?: number;
  /** Real milliseconds added before answering each /rest request. @default 0 */
  latencyMs?: number;
  /** @default no faults */
  faults?: FaultOptions;
  /** Extra UF_CRM_* deal fields (string type). @default ['UF_CRM_ERP_NUMBER'] */
  userFields?: string[];
  /** Deal funnels besides the general one (id 0). @default [{ id: 1, name: 'Wholesale' }] */
  categories?: Array<{ id: number; name: string }>;
  /** Portal currencies; the first is the base currency. @default ['RUB', 'USD', 'EUR'] */
  currencies?: string[];
  /** Portal time-zone offset used for every date. @default '+03:00' */
  timezoneOffset?: string;
  /** Incoming webhook. @default user 1 with a random secret */
  webhook?: { userId: number; secret: string };
  /** Local OAuth application. @default random credentials; one initial refresh token is issued */
  oauth?: {
    clientId: string;
    clientSecret: string;
    /** @default false */
    revokeAccessOnRefresh?: boolean;
    /** @default 'oauth-server' */
    domainField?: OAuthDomainField;
  };
  /** Scopes granted to the webhook and the app. @default ['crm', 'user'] */
  scopes?: string[];
  /** Portal access switches. @default all open, HTTPS not required */
  access?: Partial<AccessState>;
  /** Whose HTTP statuses auth errors use. @default 'server-code' */
  errorStatusProfile?: ErrorStatusProfile;
  /** Per-code HTTP status overrides, e.g. { INVALID_CREDENTIALS: 403 }. @default {} */
  errorStatuses?: Record<string, number>;
  /** Portal renamed: every /rest request answers 302 to this origin unless it already arrives there. @default undefined */
  movedTo?: string;
  /** Requests whose simulated duration exceeds this are cut with a 504 page after running. @default 60 */
  requestCutoffSeconds?: number;
}

/** Everything changeable while the emulator runs (`configure`, `POST /_emulator/config`). */
export interface RuntimeConfig {
  rateLimit: LeakyBucketLimits;
  clockSpeed: number;
  operating: Required<OperatingOptions>;
  cloud: boolean;
  latencyMs: number;
  faults: ResolvedFaults;
  access: AccessState;
  scopes: string[];
  errorStatusProfile: ErrorStatusProfile;
  errorStatuses: Record<string, number>;
  movedTo: string | undefined;
  requestCutoffSeconds: number;
}

export type RuntimeConfigPatch = Partial<
  Omit<RuntimeConfig, 'operating' | 'faults' | 'access'> & {
    operating: OperatingOptions;
    faults: FaultOptions;
    access: Partial<AccessState>;
  }
>;

export interface FixedSettings {
  port: number;
  https: boolean;
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  userFields: string[];
  categories: Array<{ id: number; name: string }>;
  currencies: string[];
  timezoneOffset: string;
  webhook: { userId: number; secret: string };
  oauth: {
    clientId: string;
    clientSecret: string;
    revokeAccessOnRefresh: boolean;
    domainField: OAuthDomainField;
  };
}

export function resolveFixedSettings(options: EmulatorOptions): FixedSettings {
  const positive = (name: string, value: number) => {
    if (!(value > 0)) {
      throw new RangeError(`${name} must be positive, got ${value}`);
    }
    return value;
  };
  return {
    port: options.port ?? 0,
    https: options.https ?? false,
    accessTokenLifetimeSeconds: positive(
      'accessTokenLifetimeSeconds',
      options.accessTokenLifetimeSeconds ?? 3600,
    ),
    refreshTokenLifetimeSeconds: positive(
      'refreshTokenLifetimeSeconds',
      options.refreshTokenLifetimeSeconds ?? 15_552_000,
    ),
    userFields: options.userFields ?? ['UF_CRM_ERP_NUMBER'],
    categories: options.categories ?? [{ id: 1, name: 'Wholesale' }],
    currencies: options.currencies ?? ['RUB', 'USD', 'EUR'],
    timezoneOffset: options.timezoneOffset ?? '+03:00',
    webhook: options.webhook ?? { userId: 1, secret: randomBytes(8).toString('hex') },
    oauth: {
      clientId: options.oauth?.clientId ?? `local.${randomBytes(7).toString('hex')}`,
      clientSecret: options.oauth?.clientSecret ?? randomBytes(24).toString('base64url'),
      revokeAccessOnRefresh: options.oauth?.revokeAccessOnRefresh ?? false,
      domainField: options.oauth?.domainField ?? 'oauth-server',
    },
  };
}

export function resolveRuntimeConfig(options: EmulatorOptions): RuntimeConfig {
  return applyPatch(
    {
      rateLimit: DEFAULT_RATE_LIMIT,
      clockSpeed: 1,
      operating: { limitSeconds: 480, batchCharge: 'nested', methodCostSeconds: { '*': 0.05 } },
      cloud: true,
      latencyMs: 0,
      faults: resolveFaults(),
      access: DEFAULT_ACCESS,
      scopes: ['crm', 'user'],
      errorStatusProfile: 'server-code',
      errorStatuses: {},
      movedTo: undefined,
      requestCutoffSeconds: 60,
    },
    options,
  );
}

/** Validates and merges a patch; nested objects (operating, faults, access) merge key by key. */
export function applyPatch(current: RuntimeConfig, patch: RuntimeConfigPatch): RuntimeConfig {
  const operating = { ...current.operating, ...patch.operating };
  operating.methodCostSeconds = Object.fromEntries(
    Object.entries(operating.methodCostSeconds).map(([method, seconds]) => [method.toLowerCase(), seconds]),
  );
  if (!(operating.limitSeconds > 0)) {
    throw new RangeError(`operating.limitSeconds must be positive, got ${operating.limitSeconds}`);
  }
  for (const [method, seconds] of Object.entries(operating.methodCostSeconds)) {
    if (!(typeof seconds === 'number' && seconds >= 0)) {
      throw new RangeError(
        `operating.methodCostSeconds['${method}'] must be a number >= 0, got ${String(seconds)}`,
      );
    }
  }
  if (operating.batchCharge !== 'nested' && operating.batchCharge !== 'batch') {
    throw new RangeError(
      `operating.batchCharge must be 'nested' or 'batch', got '${String(operating.batchCharge)}'`,
    );
  }
  if (patch.errorStatusProfile !== undefined && !['server-code', 'docs'].includes(patch.errorStatusProfile)) {
    throw new RangeError(
      `errorStatusProfile must be 'server-code' or 'docs', got '${patch.errorStatusProfile}'`,
    );
  }
  const clockSpeed = patch.clockSpeed ?? current.clockSpeed;
  if (!(clockSpeed > 0)) {
    throw new RangeError(`clockSpeed must be positive, got ${clockSpeed}`);
  }
  return {
    rateLimit: validateRateLimit(patch.rateLimit ?? current.rateLimit),
    clockSpeed,
    operating,
    cloud: patch.cloud ?? current.cloud,
    latencyMs: Math.max(0, patch.latencyMs ?? current.latencyMs),
    faults:
      patch.faults === undefined ? current.faults : resolveFaults({ ...current.faults, ...patch.faults }),
    access: { ...current.access, ...patch.access },
    scopes: patch.scopes ?? current.scopes,
    errorStatusProfile: patch.errorStatusProfile ?? current.errorStatusProfile,
    errorStatuses: patch.errorStatuses ?? current.errorStatuses,
    movedTo: 'movedTo' in patch ? patch.movedTo || undefined : current.movedTo,
    requestCutoffSeconds: patch.requestCutoffSeconds ?? current.requestCutoffSeconds,
  };
}

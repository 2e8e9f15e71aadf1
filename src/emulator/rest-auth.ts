import { createHash } from 'node:crypto';
import type { OAuthServer } from './oauth.js';
import type { PortalCatalog } from './portal-catalog.js';
import { phpStrval } from './php-query.js';
import { REST_ERRORS, RestError } from './rest-error.js';
import { IMPLICIT_SCOPES, type Caller } from './rest-method.js';

/** Portal-wide switches for the auth checks (bitrix24-api.md §8, §3.4); all changeable at run time. */
export interface AccessState {
  /** Webhooks over plain HTTP answer INVALID_REQUEST "Https required.". @default false */
  requireHttps: boolean;
  /** Manual block of the webhook/app → OVERLOAD_LIMIT. @default false */
  blocked: boolean;
  /** False → ACCESS_DENIED "REST is available only on commercial plans.". @default true */
  restAvailable: boolean;
  /** False → authorization_error (webhook owner / token user deactivated). @default true */
  ownerActive: boolean;
}

export const DEFAULT_ACCESS: AccessState = {
  requireHttps: false,
  blocked: false,
  restAvailable: true,
  ownerActive: true,
};

export type RestRoute =
  | { kind: 'webhook'; user: string; secret: string; method: string; transport: string }
  | { kind: 'oauth'; method: string; transport: string };

export interface AuthRequest {
  route: RestRoute;
  params: Record<string, unknown>;
  bearer?: string;
  secure: boolean;
}

/** Parameters the auth layer consumes and removes before the method sees them (`parameters_clear`). */
export const AUTH_PARAMS = ['auth', 'access_token'] as const;

/**
 * Checks a request the way `apauth/auth.php` (webhooks) and `oauth/auth.php` (tokens) do, in their
 * order, and says who the call runs as.
 */
export class RestAuthenticator {
  readonly #webhookCredential: string;

  constructor(
    private readonly webhook: { userId: number; secret: string },
    private readonly oauth: OAuthServer,
    private readonly catalog: PortalCatalog,
    private readonly scopes: () => readonly string[],
    private readonly access: () => AccessState,
  ) {
    this.#webhookCredential = `webhook-${createHash('sha1').update(webhook.secret).digest('hex').slice(0, 8)}`;
  }

  authenticate(request: AuthRequest, methodScope: string): Caller {
    const caller = request.route.kind === 'webhook' ? this.#webhook(request) : this.#oauth(request);
    if (!IMPLICIT_SCOPES.has(methodScope) && !caller.scopes.has(methodScope)) {
      throw REST_ERRORS.insufficientScope(caller.kind);
    }
    const access = this.access();
    if (access.blocked) {
      throw REST_ERRORS.overload();
    }
    if (!access.restAvailable) {
      throw REST_ERRORS.accessDenied();
    }
    if (!access.ownerActive) {
      throw REST_ERRORS.authorization();
    }
    return caller;
  }

  #webhook(request: AuthRequest): Caller {
    if (request.route.kind !== 'webhook') {
      throw REST_ERRORS.noAuth();
    }
    if (this.access().requireHttps && !request.secure) {
      throw REST_ERRORS.httpsRequired();
    }
    const { user, secret } = request.route;
    const owner = this.catalog.user(this.webhook.userId);
    const userMatches = user === String(this.webhook.userId) || (owner !== undefined && user === owner.login);
    if (!userMatches || secret !== this.webhook.secret) {
      throw REST_ERRORS.invalidCredentials();
    }
    return {
      kind: 'webhook',
      userId: this.webhook.userId,
      credential: this.#webhookCredential,
      scopes: this.#scopeSet(),
    };
  }

  #oauth(request: AuthRequest): Caller {
    const token = request.bearer ?? nonEmpty(request.params.auth) ?? nonEmpty(request.params.access_token);
    if (token === undefined) {
      throw REST_ERRORS.noAuth();
    }
    const check = this.oauth.checkAccessToken(token);
    if (check instanceof RestError) {
      throw check;
    }
    return {
      kind: 'oauth',
      userId: check.userId,
      credential: `app-${this.oauth.clientId}`,
      scopes: this.#scopeSet(),
    };
  }

  #scopeSet(): Set<string> {
    return new Set([...this.scopes(), ...IMPLICIT_SCOPES]);
  }
}

function nonEmpty(value: unknown): string | undefined {
  const text = phpStrval(value);
  return text === '' ? undefined : text;
}

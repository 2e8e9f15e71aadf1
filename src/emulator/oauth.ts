import { randomBytes } from 'node:crypto';
import { phpStrval } from './php-query.js';
import { REST_ERRORS, type RestError } from './rest-error.js';

/**
 * How the token response fills `domain` (bitrix24-api.md §11 item 6): 'oauth-server' = the docs'
 * example (oauth.bitrix.info); 'portal' = the portal host, as one real response was observed.
 */
export type OAuthDomainField = 'oauth-server' | 'portal';

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  userId: number;
  scopes: readonly string[];
  memberId: string;
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  /** Legacy docs: a refresh also kills the access token paired with the used refresh token. */
  revokeAccessOnRefresh: boolean;
  domainField: OAuthDomainField;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

interface Grant {
  userId: number;
  expiresMs: number;
  pairedAccess?: string;
}

/** Authorization codes live 30 s (bitrix24-api.md §7). */
const CODE_LIFETIME_MS = 30_000;

/**
 * The OAuth side of the portal: the `/oauth/token/` endpoint (refresh_token and authorization_code
 * grants, rotation: a used refresh token is dead) and the access-token check the REST engine runs.
 */
export class OAuthServer {
  readonly #access = new Map<string, Grant>();
  readonly #refresh = new Map<string, Grant>();
  readonly #codes = new Map<string, Grant>();

  constructor(
    private readonly settings: OAuthSettings,
    private readonly nowMs: () => number,
    private readonly endpoints: () => { portalUrl: string },
  ) {}

  get clientId(): string {
    return this.settings.clientId;
  }

  issueRefreshToken(): string {
    const token = newToken();
    this.#refresh.set(token, { userId: this.settings.userId, expiresMs: this.#refreshExpiry() });
    return token;
  }

  issueAuthorizationCode(): string {
    const code = newToken();
    this.#codes.set(code, { userId: this.settings.userId, expiresMs: this.nowMs() + CODE_LIFETIME_MS });
    return code;
  }

  expireAccessTokens(): void {
    const now = this.nowMs();
    for (const grant of this.#access.values()) {
      grant.expiresMs = Math.min(grant.expiresMs, now);
    }
  }

  /** Resolves an access token to its user, or the error the REST engine answers with. */
  checkAccessToken(token: string): { userId: number } | RestError {
    const grant = this.#access.get(token);
    if (grant === undefined) {
      return REST_ERRORS.invalidToken();
    }
    return grant.expiresMs <= this.nowMs() ? REST_ERRORS.expiredToken() : { userId: grant.userId };
  }

  handleTokenRequest(params: Record<string, unknown>): TokenAnswer {
    const grantType = phpStrval(params.grant_type);
    if (grantType !== 'refresh_token' && grantType !== 'authorization_code') {
      return tokenError(
        400,
        grantType === '' ? 'invalid_request' : 'unsupported_grant_type',
        'Invalid grant type',
      );
    }
    if (
      phpStrval(params.client_id) !== this.settings.clientId ||
      phpStrval(params.client_secret) !== this.settings.clientSecret
    ) {
      return tokenError(401, 'invalid_client', 'Invalid client credentials');
    }
    const store = grantType === 'refresh_token' ? this.#refresh : this.#codes;
    const presented = phpStrval(grantType === 'refresh_token' ? params.refresh_token : params.code);
    const grant = store.get(presented);
    if (grant === undefined || grant.expiresMs <= this.nowMs()) {
      return tokenError(400, 'invalid_grant', 'Invalid or expired grant');
    }
    store.delete(presented);
    if (this.settings.revokeAccessOnRefresh && grant.pairedAccess !== undefined) {
      this.#access.delete(grant.pairedAccess);
    }
    return { status: 200, body: this.#issuePair(grant.userId) };
  }

  #issuePair(userId: number): Record<string, unknown> {
    const now = this.nowMs();
    const accessToken = newToken();
    const refreshToken = newToken();
    const lifetime = this.settings.accessTokenLifetimeSeconds;
    this.#access.set(accessToken, { userId, expiresMs: now + lifetime * 1000 });
    this.#refresh.set(refreshToken, { userId, expiresMs: this.#refreshExpiry(), pairedAccess: accessToken });
    const { portalUrl } = this.endpoints();
    return {
      access_token: accessToken,
      expires: Math.floor(now / 1000) + lifetime,
      expires_in: lifetime,
      scope: this.settings.scopes.join(','),
      domain: this.settings.domainField === 'portal' ? new URL(portalUrl).host : 'oauth.bitrix.info',
      server_endpoint: `${portalUrl}/rest/`,
      client_endpoint: `${portalUrl}/rest/`,
      member_id: this.settings.memberId,
      user_id: userId,
      status: 'L',
      refresh_token: refreshToken,
    };
  }

  #refreshExpiry(): number {
    return this.nowMs() + this.settings.refreshTokenLifetimeSeconds * 1000;
  }
}

function newToken(): string {
  return randomBytes(32).toString('hex');
}

function tokenError(status: number, error: string, description: string): TokenAnswer {
  return { status, body: { error, error_description: description } };
}

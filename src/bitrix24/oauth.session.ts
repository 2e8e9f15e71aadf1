import { createHash, timingSafeEqual } from 'node:crypto';
import type { OAuthConfig } from '../config/config.types.js';
import type { Bitrix24Auth, PreparedCall } from './bitrix24.auth.js';
import { restBase } from './bitrix24.auth.js';
import { Bitrix24Error, Bitrix24ErrorClass } from './bitrix24.error.js';
import type { Clock } from './clock.js';
import { classifyApiError, ClientErrorCode } from './error-classification.js';
import type { ClientLogger } from './client-logger.js';
import type { IssuedTokens, OAuthTokenEndpoint } from './oauth-token.endpoint.js';
import type { OAuthTokenStore, TokenPair } from './oauth-token.store.js';
import { TokenCipherError } from './token.cipher.js';

export enum InstallOutcome {
  Installed = 'installed',
  ApplicationTokenMismatch = 'application_token_mismatch',
}

export interface OAuthSessionDeps {
  readonly config: OAuthConfig;
  readonly store: OAuthTokenStore;
  readonly endpoint: OAuthTokenEndpoint;
  readonly clock: Clock;
  readonly logger: ClientLogger;
  /** Told about every token we hold, so log scrubbers and our redactor can hide it. */
  readonly onSecret: (value: string) => void;
}

/**
 * OAuth 2.0 local app (bitrix24-api.md §7): the access token goes in `auth`; on `expired_token` one
 * refresh through the token endpoint (single-flight in this process, advisory lock across replicas),
 * the rotated pair stored encrypted, and the call sent again. `invalid_grant` / `invalid_client` end
 * the session with an actionable error until new tokens are installed; no refresh loop.
 */
export class OAuthSession implements Bitrix24Auth {
  readonly kind = 'oauth' as const;
  readonly #deps: OAuthSessionDeps;
  readonly #portal: string;
  #current: TokenPair | undefined;
  #loading: Promise<TokenPair> | undefined;
  #refreshing: Promise<void> | undefined;
  #fatal: Bitrix24Error | undefined;

  constructor(deps: OAuthSessionDeps) {
    this.#deps = deps;
    this.#portal = new URL(deps.config.portalUrl).origin;
    deps.onSecret(deps.config.clientSecret.reveal());
    for (const secret of [deps.config.refreshToken, deps.config.applicationToken]) {
      if (secret !== undefined) {
        deps.onSecret(secret.reveal());
      }
    }
  }

  get portal(): string {
    return this.#portal;
  }

  async prepare(method: string): Promise<PreparedCall> {
    const pair = await this.#pair(method);
    const url = `${restBase(this.#portal)}/${method}`;
    return {
      url: new URL(url),
      redactedUrl: url,
      bodyAuth: { auth: pair.accessToken },
      token: pair.accessToken,
    };
  }

  async refreshAfterExpiry(expiredToken: string | undefined): Promise<void> {
    if (this.#fatal) {
      throw this.#fatal;
    }
    if (this.#current && this.#current.accessToken !== expiredToken) {
      return;
    }
    this.#refreshing ??= this.#refresh(expiredToken).finally(() => {
      this.#refreshing = undefined;
    });
    await this.#refreshing;
  }

  /**
   * The installation callback's tokens (bitrix24-api.md §7, §8). The posted application_token must
   * equal the configured one or, without one, the one stored at the first installation (which it then
   * becomes). The posted refresh token is proven by using it: the pair the token server issues for it
   * is what gets stored. Under the refresh lock, so a rotation in flight cannot overwrite it.
   */
  async install(refreshToken: string, applicationToken: string): Promise<InstallOutcome> {
    this.#deps.onSecret(refreshToken);
    this.#deps.onSecret(applicationToken);
    return this.#deps.store.withRefreshLock(this.#portal, async () => {
      const expected =
        this.#deps.config.applicationToken?.reveal() ?? (await this.#readApplicationToken(TOKEN_REFRESH));
      if (expected !== undefined && !sameSecret(expected, applicationToken)) {
        return InstallOutcome.ApplicationTokenMismatch;
      }
      const pair = this.#toPair(await this.#deps.endpoint.refresh(refreshToken));
      this.#deps.onSecret(pair.accessToken);
      this.#deps.onSecret(pair.refreshToken);
      await this.#deps.store.save(this.#portal, pair, applicationToken);
      this.#adopt(pair);
      this.#fatal = undefined;
      this.#deps.logger.log(`OAuth tokens installed for ${this.#portal}`);
      return InstallOutcome.Installed;
    });
  }

  async #pair(method: string): Promise<TokenPair> {
    if (this.#fatal) {
      throw this.#fatal;
    }
    if (this.#current) {
      return this.#current;
    }
    this.#loading ??= this.#loadOrSeed(method).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #loadOrSeed(method: string): Promise<TokenPair> {
    const stored = await this.#load(method);
    if (stored) {
      return this.#adopt(stored);
    }
    const seed = this.#deps.config.refreshToken?.reveal();
    if (seed === undefined) {
      throw authError(ClientErrorCode.NoOAuthTokens, 'no OAuth tokens stored for this portal', method);
    }
    return this.#deps.store.withRefreshLock(this.#portal, async () => {
      const raced = await this.#load(method);
      return raced ? this.#adopt(raced) : this.#exchange(seed, 'BITRIX24_REFRESH_TOKEN');
    });
  }

  async #refresh(expiredToken: string | undefined): Promise<void> {
    await this.#deps.store.withRefreshLock(this.#portal, async () => {
      const stored = await this.#load(TOKEN_REFRESH);
      if (stored && stored.accessToken !== expiredToken) {
        this.#adopt(stored); // another replica refreshed while we waited for the lock
        return;
      }
      const refreshToken = stored?.refreshToken ?? this.#deps.config.refreshToken?.reveal();
      if (refreshToken === undefined) {
        throw authError(
          ClientErrorCode.NoOAuthTokens,
          'no refresh token to renew the access token with',
          TOKEN_REFRESH,
        );
      }
      await this.#exchange(refreshToken, 'the stored refresh token');
    });
  }

  /** One refresh; on a rejected grant, one more try with BITRIX24_REFRESH_TOKEN if it is a different token. */
  async #exchange(refreshToken: string, source: string): Promise<TokenPair> {
    try {
      return await this.#exchangeOnce(refreshToken, source);
    } catch (error) {
      const seed = this.#deps.config.refreshToken?.reveal();
      if (isRejectedGrant(error) && seed !== undefined && seed !== refreshToken) {
        return this.#exchangeOnce(seed, 'BITRIX24_REFRESH_TOKEN').catch((second: unknown) =>
          this.#end(second),
        );
      }
      return this.#end(error);
    }
  }

  async #exchangeOnce(refreshToken: string, source: string): Promise<TokenPair> {
    const issued = await this.#deps.endpoint.refresh(refreshToken);
    const pair = this.#toPair(issued);
    this.#deps.onSecret(pair.accessToken);
    this.#deps.onSecret(pair.refreshToken);
    await this.#deps.store.save(this.#portal, pair);
    this.#deps.logger.log(`OAuth access token renewed with ${source}; the rotated pair is stored`);
    return this.#adopt(pair);
  }

  #end(error: unknown): never {
    if (error instanceof Bitrix24Error && error.stopsRuns) {
      this.#fatal = error;
      this.#deps.logger.error(`OAuth session stopped: ${error.message}`);
    }
    throw error;
  }

  #load(method: string): Promise<TokenPair | undefined> {
    return this.#readStore(method, () => this.#deps.store.load(this.#portal));
  }

  #readApplicationToken(method: string): Promise<string | undefined> {
    return this.#readStore(method, () => this.#deps.store.loadApplicationToken(this.#portal));
  }

  async #readStore<T>(method: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof TokenCipherError) {
        throw authError(ClientErrorCode.TokenStoreUnreadable, error.message, method);
      }
      throw error;
    }
  }

  #adopt(pair: TokenPair): TokenPair {
    this.#deps.onSecret(pair.accessToken);
    this.#deps.onSecret(pair.refreshToken);
    this.#current = pair;
    return pair;
  }

  #toPair(tokens: IssuedTokens): TokenPair {
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: new Date(this.#deps.clock.now() + tokens.expiresInSeconds * 1000),
      memberId: tokens.memberId,
      scope: tokens.scope,
    };
  }
}

const TOKEN_REFRESH = 'oauth.token';

/** Constant-time equality of two secrets of any length (digests have equal length). */
function sameSecret(expected: string, presented: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

function isRejectedGrant(error: unknown): boolean {
  return error instanceof Bitrix24Error && error.code.toLowerCase() === 'invalid_grant';
}

function authError(code: string, description: string, method: string): Bitrix24Error {
  const classified = classifyApiError(code, undefined, description, 'oauth');
  return new Bitrix24Error({
    ...classified,
    classification: Bitrix24ErrorClass.Auth,
    code,
    description,
    method,
  });
}

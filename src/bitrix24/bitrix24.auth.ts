import type { WebhookAuthConfig } from '../config/config.types.js';
import { Bitrix24Error } from './bitrix24.error.js';
import { classifyApiError, ClientErrorCode, type AuthKind } from './error-classification.js';
import { REDACTED } from './secret-redactor.js';

/** Where and how one call is sent. `token` is the OAuth access token used (to tell which one expired). */
export interface PreparedCall {
  readonly url: URL;
  /** The same endpoint with the secret replaced, for errors and logs. */
  readonly redactedUrl: string;
  /** Added to the JSON body (OAuth: `auth`). */
  readonly bodyAuth: Readonly<Record<string, string>>;
  readonly token: string | undefined;
}

/** How calls authenticate: an incoming webhook, an OAuth session, or nothing configured yet. */
export interface Bitrix24Auth {
  readonly kind: AuthKind | undefined;
  prepare(method: string): Promise<PreparedCall>;
  /** Called after `expired_token` / `invalid_token` with the token used; resolves once a fresh one is in place. */
  refreshAfterExpiry(expiredToken: string | undefined): Promise<void>;
}

export function restBase(portalUrl: string): string {
  return `${portalUrl.replace(/\/+$/, '')}/rest`;
}

/** Incoming webhook: the URL carries user id and secret (`/rest/{user}/{secret}/{method}`). */
export class WebhookAuth implements Bitrix24Auth {
  readonly kind = 'webhook' as const;

  constructor(private readonly config: WebhookAuthConfig) {}

  prepare(method: string): Promise<PreparedCall> {
    const base = `${restBase(this.config.portalUrl)}/${this.config.userId}`;
    return Promise.resolve({
      url: new URL(`${base}/${encodeURIComponent(this.config.secret.reveal())}/${method}`),
      redactedUrl: `${base}/${REDACTED}/${method}`,
      bodyAuth: {},
      token: undefined,
    });
  }

  refreshAfterExpiry(): Promise<void> {
    return Promise.resolve();
  }
}

/** No Bitrix24 credentials configured: the app boots (admin, demo) but every call fails clearly. */
export class MissingAuth implements Bitrix24Auth {
  readonly kind = undefined;

  prepare(method: string): Promise<PreparedCall> {
    const code = ClientErrorCode.NotConfigured;
    return Promise.reject(
      new Bitrix24Error({
        code,
        description: 'Bitrix24 credentials are not configured',
        method,
        ...classifyApiError(code, undefined, ''),
      }),
    );
  }

  refreshAfterExpiry(): Promise<void> {
    return Promise.resolve();
  }
}

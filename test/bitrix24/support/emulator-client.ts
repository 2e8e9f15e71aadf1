import { expect } from '@jest/globals';
import type { OAuthConfig, WebhookAuthConfig } from '../../../src/config/config.types.js';
import { splitWebhookUrl } from '../../../src/config/env.schema.js';
import { Secret } from '../../../src/config/secret.js';
import { Bitrix24Client, type Bitrix24ClientOptions } from '../../../src/bitrix24/bitrix24.client.js';
import { Bitrix24Error } from '../../../src/bitrix24/bitrix24.error.js';
import type { ClientLogger } from '../../../src/bitrix24/client-logger.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';

export function webhookAuthOf(emulator: RunningEmulator): WebhookAuthConfig {
  return { kind: 'webhook', ...splitWebhookUrl(emulator.webhookUrl) };
}

export function oauthAuthOf(emulator: RunningEmulator, refreshToken?: string): OAuthConfig {
  return {
    kind: 'oauth',
    portalUrl: emulator.oauth.portalUrl,
    clientId: emulator.oauth.clientId,
    clientSecret: new Secret(emulator.oauth.clientSecret),
    refreshToken: refreshToken === undefined ? undefined : new Secret(refreshToken),
    tokenUrl: emulator.oauth.tokenUrl,
  };
}

/** A webhook client on the emulator with fast retries, for specs. */
export function webhookClient(
  emulator: RunningEmulator,
  overrides: Partial<Bitrix24ClientOptions> = {},
): Bitrix24Client {
  return new Bitrix24Client({
    auth: webhookAuthOf(emulator),
    backoff: { baseMs: 10, maxMs: 50 },
    ratePause: { baseMs: 20, maxMs: 100 },
    ...overrides,
  });
}

/** Collects every line the client logs, at every level. */
export class CapturingLogger implements ClientLogger {
  readonly lines: string[] = [];
  debug = (message: string): void => void this.lines.push(`debug ${message}`);
  log = (message: string): void => void this.lines.push(`log ${message}`);
  warn = (message: string): void => void this.lines.push(`warn ${message}`);
  error = (message: string): void => void this.lines.push(`error ${message}`);
}

/** The Bitrix24Error a call rejects with (fails the spec if it resolves or rejects with something else). */
export async function failureOf(promise: Promise<unknown>): Promise<Bitrix24Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Bitrix24Error);
  return error as Bitrix24Error;
}

/** A fresh access/refresh pair straight from the emulator's token endpoint (as an install would deliver). */
export async function issueTokenPair(
  emulator: RunningEmulator,
): Promise<{ access_token: string; refresh_token: string; member_id: string }> {
  const answer = await fetch(emulator.oauth.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: emulator.oauth.clientId,
      client_secret: emulator.oauth.clientSecret,
      refresh_token: emulator.issueRefreshToken(),
    }),
  });
  return (await answer.json()) as { access_token: string; refresh_token: string; member_id: string };
}

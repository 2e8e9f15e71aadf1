import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Bitrix24Client } from './bitrix24.client.js';
import { Bitrix24Error, Bitrix24ErrorClass } from './bitrix24.error.js';
import type { InstallCallbackBody, InstallCallbackQuery } from './bitrix24-install.dto.js';
import type { IssuedTokens } from './oauth-token.endpoint.js';

export interface InstallResult {
  readonly installed: true;
  readonly portal: string;
}

/**
 * The local app's installation callback (bitrix24-api.md §7; docs
 * settings/app-installation/local-apps/installation-callback.md): the portal POSTs the first token
 * pair once. The endpoint is public, so the access token is proven on the configured portal before
 * the stored pair is replaced; the posted domain is never called.
 */
@Injectable()
export class Bitrix24InstallService {
  private readonly logger = new Logger(Bitrix24InstallService.name);

  constructor(private readonly client: Bitrix24Client) {}

  async install(body: InstallCallbackBody, query: InstallCallbackQuery): Promise<InstallResult> {
    const session = this.client.oauth;
    if (!session) {
      throw new ConflictException(
        'This daemon is not set up as an OAuth local app (set BITRIX24_PORTAL_URL, BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET); nothing was stored',
      );
    }
    const tokens = tokensOf(body);
    const domain = body.DOMAIN ?? body.domain ?? query.DOMAIN ?? body.auth?.domain;
    if (domain !== undefined && domain.toLowerCase() !== new URL(session.portal).host.toLowerCase()) {
      throw new ForbiddenException(
        `The installation came from ${domain}, not from the configured portal; nothing was stored`,
      );
    }
    try {
      await this.client.installOAuthTokens(tokens);
    } catch (error) {
      if (error instanceof Bitrix24Error && error.classification === Bitrix24ErrorClass.Auth) {
        throw new ForbiddenException(
          `The configured portal refused the posted access token (${error.code}); nothing was stored`,
        );
      }
      throw error;
    }
    this.logger.log(`Local app installed: OAuth tokens stored for ${session.portal}`);
    return { installed: true, portal: session.portal };
  }
}

function tokensOf(body: InstallCallbackBody): IssuedTokens {
  const accessToken = body.AUTH_ID ?? body.auth?.access_token;
  const refreshToken = body.REFRESH_ID ?? body.auth?.refresh_token;
  if (accessToken === undefined || refreshToken === undefined) {
    throw new BadRequestException(
      'Expected AUTH_ID and REFRESH_ID (or auth[access_token] and auth[refresh_token])',
    );
  }
  const expires = Number(body.AUTH_EXPIRES ?? body.auth?.expires_in ?? 3600);
  return {
    accessToken,
    refreshToken,
    expiresInSeconds: expires > 0 ? expires : 3600,
    memberId: body.member_id ?? body.auth?.member_id ?? null,
    scope: body.auth?.scope ?? null,
  };
}

import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Bitrix24Client } from './bitrix24.client.js';
import { Bitrix24Error, Bitrix24ErrorClass } from './bitrix24.error.js';
import type { InstallCallbackBody, InstallCallbackQuery } from './bitrix24-install.dto.js';
import { InstallOutcome } from './oauth.session.js';

export interface InstallResult {
  readonly installed: true;
  readonly portal: string;
}

/** What an installation callback must carry, whichever of its two shapes the portal posted. */
export interface PostedInstallation {
  readonly refreshToken: string;
  readonly applicationToken: string;
  readonly domain: string;
}

/**
 * The local app's installation callback (bitrix24-api.md §7, §8; docs
 * settings/app-installation/local-apps/installation-callback.md): the portal POSTs the first token
 * pair once. The endpoint is public, so nothing posted is trusted: the domain must be the configured
 * portal (checked before any call; the posted domain is never called), the application_token must be
 * the app's, and the refresh token must work at the token server before anything is stored.
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
    const posted = postedInstallationOf(body, query);
    if (posted.domain.toLowerCase() !== new URL(session.portal).host.toLowerCase()) {
      throw new ForbiddenException(
        `The installation came from ${posted.domain}, not from the configured portal; nothing was stored`,
      );
    }
    const outcome = await session
      .install(posted.refreshToken, posted.applicationToken)
      .catch((error: unknown) => refusal(error));
    if (outcome === InstallOutcome.ApplicationTokenMismatch) {
      throw new ForbiddenException(
        'The application_token is not the one of this app (BITRIX24_APPLICATION_TOKEN or the first installation); nothing was stored',
      );
    }
    this.logger.log(`Local app installed: OAuth tokens stored for ${session.portal}`);
    return { installed: true, portal: session.portal };
  }
}

export function postedInstallationOf(
  body: InstallCallbackBody,
  query: InstallCallbackQuery,
): PostedInstallation {
  const refreshToken = body.REFRESH_ID ?? body.auth?.refresh_token;
  const applicationToken = body.APPLICATION_TOKEN ?? body.auth?.application_token;
  const domain = body.DOMAIN ?? body.domain ?? query.DOMAIN ?? body.auth?.domain;
  const missing = [
    refreshToken === undefined && 'REFRESH_ID (or auth[refresh_token])',
    !applicationToken && 'APPLICATION_TOKEN (or auth[application_token])',
    !domain && 'DOMAIN (or auth[domain])',
  ].filter((name) => name !== false);
  if (refreshToken === undefined || !applicationToken || !domain) {
    throw new BadRequestException(`The installation lacks ${missing.join(', ')}; nothing was stored`);
  }
  return { refreshToken, applicationToken, domain };
}

/** The token server could not be asked (503, worth repeating) or refused the token (403). */
function refusal(error: unknown): never {
  if (!(error instanceof Bitrix24Error)) {
    throw error;
  }
  const unanswered = [Bitrix24ErrorClass.Transport, Bitrix24ErrorClass.Server].includes(error.classification);
  if (unanswered) {
    throw new ServiceUnavailableException(
      `The posted refresh token could not be verified (${error.code}); nothing was stored`,
    );
  }
  throw new ForbiddenException(
    `The token server refused the posted refresh token (${error.code}); nothing was stored`,
  );
}

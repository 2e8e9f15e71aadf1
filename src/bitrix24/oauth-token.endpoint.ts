import type { Secret } from '../config/secret.js';
import { Bitrix24Error, Bitrix24ErrorClass } from './bitrix24.error.js';
import { TransportFailure, type Bitrix24Transport } from './bitrix24.transport.js';
import {
  classifyApiError,
  classifyTransportFailure,
  classifyUnexpectedAnswer,
  ClientErrorCode,
} from './error-classification.js';
import { redactCredentialPositions } from './secret-redactor.js';

export const TOKEN_METHOD = 'oauth.token';

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInSeconds: number;
  readonly memberId: string | null;
  readonly scope: string | null;
}

export interface TokenEndpointConfig {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
}

/**
 * The OAuth server's `/oauth/token/` (bitrix24-api.md §7): `grant_type=refresh_token` as a form POST
 * (as the jssdk sends it). Every refresh rotates the pair; the used refresh token is dead afterwards.
 */
export class OAuthTokenEndpoint {
  constructor(
    private readonly transport: Bitrix24Transport,
    private readonly config: TokenEndpointConfig,
  ) {}

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const url = new URL(this.config.tokenUrl);
    const redactedUrl = redactCredentialPositions(url.toString());
    let answer;
    try {
      answer = await this.transport.postForm(url, {
        grant_type: 'refresh_token',
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret.reveal(),
        refresh_token: refreshToken,
      });
    } catch (error) {
      const failure = classifyTransportFailure(
        error instanceof TransportFailure ? error.systemCode : undefined,
      );
      throw new Bitrix24Error({
        ...failure,
        method: TOKEN_METHOD,
        url: redactedUrl,
        description: 'the OAuth token server did not answer',
      });
    }
    const body = (answer.json ?? {}) as Record<string, unknown>;
    if (typeof body.error === 'string') {
      const classified = classifyApiError(body.error, answer.status, '', 'oauth');
      throw new Bitrix24Error({
        ...classified,
        code: body.error,
        // Token-server texts are generic; never echo anything that could hold a credential.
        description: redactCredentialPositions(
          typeof body.error_description === 'string' ? body.error_description : '',
        ),
        method: TOKEN_METHOD,
        httpStatus: answer.status,
        url: redactedUrl,
        stopsRuns: classified.classification === Bitrix24ErrorClass.Auth,
      });
    }
    if (
      answer.status !== 200 ||
      typeof body.access_token !== 'string' ||
      typeof body.refresh_token !== 'string'
    ) {
      throw new Bitrix24Error({
        ...classifyUnexpectedAnswer(answer.status),
        code: ClientErrorCode.UnexpectedAnswer,
        description: 'the OAuth token server answered without a token pair',
        method: TOKEN_METHOD,
        httpStatus: answer.status,
        url: redactedUrl,
      });
    }
    const expiresIn = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
      memberId: typeof body.member_id === 'string' ? body.member_id : null,
      scope: typeof body.scope === 'string' ? body.scope : null,
    };
  }
}

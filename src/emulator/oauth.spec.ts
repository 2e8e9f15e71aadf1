import { describe, expect, it } from '@jest/globals';
import { OAuthServer, type OAuthSettings } from './oauth.js';
import { RestError } from './rest-error.js';

function server(overrides: Partial<OAuthSettings> = {}) {
  let now = 1_700_000_000_000;
  const oauth = new OAuthServer(
    {
      clientId: 'app',
      clientSecret: 'secret',
      userId: 1,
      scopes: ['crm'],
      memberId: 'm',
      accessTokenLifetimeSeconds: 3600,
      refreshTokenLifetimeSeconds: 86_400,
      revokeAccessOnRefresh: false,
      domainField: 'oauth-server',
      ...overrides,
    },
    () => now,
    () => ({ portalUrl: 'https://portal.test:8443' }),
  );
  return { oauth, advance: (seconds: number) => (now += seconds * 1000) };
}

const refresh = (refreshToken: string, extra: Record<string, string> = {}) => ({
  grant_type: 'refresh_token',
  client_id: 'app',
  client_secret: 'secret',
  refresh_token: refreshToken,
  ...extra,
});

describe(OAuthServer.name, () => {
  it('issues a pair whose access token works until its lifetime ends', () => {
    const { oauth, advance } = server();
    const answer = oauth.handleTokenRequest(refresh(oauth.issueRefreshToken()));
    expect(answer.status).toBe(200);
    const access = String(answer.body.access_token);
    expect(oauth.checkAccessToken(access)).toEqual({ userId: 1 });
    advance(3600);
    expect((oauth.checkAccessToken(access) as RestError).code).toBe('expired_token');
    expect((oauth.checkAccessToken('nope') as RestError).code).toBe('invalid_token');
  });

  it.each<[string, Record<string, string>, number, string]>([
    ['an unknown refresh token', { refresh_token: 'nope' }, 400, 'invalid_grant'],
    ['a wrong client secret', { client_secret: 'x' }, 401, 'invalid_client'],
    ['a wrong client id', { client_id: 'x' }, 401, 'invalid_client'],
    ['a missing grant type', { grant_type: '' }, 400, 'invalid_request'],
    ['an unsupported grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
  ])('refuses %s', (_name, extra, status, error) => {
    const { oauth } = server();
    const answer = oauth.handleTokenRequest(refresh(oauth.issueRefreshToken(), extra));
    expect(answer).toEqual({ status, body: { error, error_description: expect.any(String) } });
  });

  it('refuses a refresh token after its lifetime and after its first use', () => {
    const { oauth, advance } = server();
    const used = oauth.issueRefreshToken();
    oauth.handleTokenRequest(refresh(used));
    expect(oauth.handleTokenRequest(refresh(used)).status).toBe(400);
    const old = oauth.issueRefreshToken();
    advance(86_400);
    expect(oauth.handleTokenRequest(refresh(old)).body.error).toBe('invalid_grant');
  });

  it("names the portal host in 'domain' when configured, the OAuth server otherwise", () => {
    const portal = server({ domainField: 'portal' }).oauth;
    expect(portal.handleTokenRequest(refresh(portal.issueRefreshToken())).body.domain).toBe(
      'portal.test:8443',
    );
    const docs = server().oauth;
    expect(docs.handleTokenRequest(refresh(docs.issueRefreshToken())).body).toMatchObject({
      domain: 'oauth.bitrix.info',
      client_endpoint: 'https://portal.test:8443/rest/',
    });
  });

  it('expires authorization codes after 30 s', () => {
    const { oauth, advance } = server();
    const code = oauth.issueAuthorizationCode();
    advance(30);
    const params = { grant_type: 'authorization_code', client_id: 'app', client_secret: 'secret', code };
    expect(oauth.handleTokenRequest(params).body.error).toBe('invalid_grant');
  });
});

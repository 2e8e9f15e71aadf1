/**
 * An error the portal answers with `{error, error_description}` (no `time`, bitrix24-api.md §2.3).
 * `status` is only set where the server hard-codes one; otherwise the status table decides.
 */
export class RestError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status?: number,
  ) {
    super(description);
    this.name = 'RestError';
  }

  body(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/**
 * Which source decides the HTTP status of auth-layer errors (bitrix24-api.md §2.4, §11 item 1):
 * 'server-code' = OAuthException → 401 for every auth error; 'docs' = the docs' table (403/400/503).
 */
export type ErrorStatusProfile = 'server-code' | 'docs';

const SERVER_CODE_STATUSES: Record<string, number> = {
  QUERY_LIMIT_EXCEEDED: 503,
  OPERATION_TIME_LIMIT: 429,
  ERROR_METHOD_NOT_FOUND: 404,
  INTERNAL_WRONG_TRANSPORT: 500,
  PORTAL_DELETED: 403,
  NO_AUTH_FOUND: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_REQUEST: 401,
  insufficient_scope: 401,
  expired_token: 401,
  invalid_token: 401,
  OVERLOAD_LIMIT: 401,
  ACCESS_DENIED: 401,
  user_access_error: 401,
  authorization_error: 401,
  APPLICATION_NOT_FOUND: 401,
  CONNECTION_ERROR: 401,
};

const DOCS_STATUSES: Record<string, number> = {
  ...SERVER_CODE_STATUSES,
  INVALID_CREDENTIALS: 403,
  insufficient_scope: 403,
  ACCESS_DENIED: 403,
  user_access_error: 403,
  INVALID_REQUEST: 400,
  OVERLOAD_LIMIT: 503,
  PORTAL_DELETED: 500,
};

/** Method errors (RestException default) answer 400. */
export const DEFAULT_ERROR_STATUS = 400;

export function errorStatus(
  error: RestError,
  profile: ErrorStatusProfile,
  overrides: Readonly<Record<string, number>>,
): number {
  const override = overrides[error.code];
  if (override !== undefined) {
    return override;
  }
  if (error.status !== undefined) {
    return error.status;
  }
  const table = profile === 'docs' ? DOCS_STATUSES : SERVER_CODE_STATUSES;
  return table[error.code] ?? DEFAULT_ERROR_STATUS;
}

/** CRM method errors: RestException with code "" and status 400 (bitrix24-api.md §2.3, §5.2). */
export function crmError(description: string): RestError {
  return new RestError('', description);
}

export const REST_ERRORS = {
  methodNotFound: () => new RestError('ERROR_METHOD_NOT_FOUND', 'Method not found!'),
  wrongTransport: () => new RestError('INTERNAL_WRONG_TRANSPORT', 'Wrong transport!'),
  queryLimit: () => new RestError('QUERY_LIMIT_EXCEEDED', 'Too many requests'),
  operatingLimit: () =>
    new RestError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.'),
  noAuth: () => new RestError('NO_AUTH_FOUND', 'Wrong authorization data'),
  invalidCredentials: () => new RestError('INVALID_CREDENTIALS', 'Invalid request credentials'),
  httpsRequired: () => new RestError('INVALID_REQUEST', 'Https required.'),
  overload: () => new RestError('OVERLOAD_LIMIT', 'REST API is blocked due to overload.'),
  accessDenied: () => new RestError('ACCESS_DENIED', 'REST is available only on commercial plans.'),
  authorization: () => new RestError('authorization_error', 'Unable to authorize user'),
  expiredToken: () => new RestError('expired_token', 'The access token provided has expired'),
  invalidToken: () => new RestError('invalid_token', 'The access token provided is invalid'),
  insufficientScope: (kind: 'webhook' | 'oauth') =>
    new RestError(
      'insufficient_scope',
      `The request requires higher privileges than provided by the ${kind === 'webhook' ? 'webhook' : 'access'} token`,
    ),
  batchLength: () => new RestError('ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded'),
  batchMethod: () => new RestError('ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage'),
} as const;

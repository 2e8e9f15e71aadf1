import { Bitrix24ErrorClass, RecordErrorReason, type RequestOutcome } from './bitrix24.error.js';

export interface Classification {
  readonly classification: Bitrix24ErrorClass;
  readonly reason?: RecordErrorReason;
  readonly outcome: RequestOutcome;
  readonly stopsRuns?: boolean;
  readonly hint?: string;
}

export type AuthKind = 'webhook' | 'oauth';

/** Client-side codes for failures that carry no portal code. */
export const ClientErrorCode = {
  ConnectionFailed: 'CONNECTION_FAILED',
  ConnectionLost: 'CONNECTION_LOST',
  RequestTimeout: 'REQUEST_TIMEOUT',
  UnexpectedAnswer: 'UNEXPECTED_ANSWER',
  BatchResultMissing: 'BATCH_RESULT_MISSING',
  NotConfigured: 'NOT_CONFIGURED',
  NoOAuthTokens: 'NO_OAUTH_TOKENS',
  TokenStoreUnreadable: 'TOKEN_STORE_UNREADABLE',
} as const;

const WEBHOOK_FIX = 'Check BITRIX24_WEBHOOK_URL: the user id and secret of an active incoming webhook.';
const OAUTH_REINSTALL =
  'Reinstall the local app (its installation callback POST /bitrix24/install stores new tokens) or set BITRIX24_REFRESH_TOKEN to a fresh refresh token and restart.';

const AUTH_HINTS: Record<string, (kind: AuthKind | undefined) => string> = {
  invalid_credentials: () => WEBHOOK_FIX,
  no_auth_found: (kind) => (kind === 'oauth' ? OAUTH_REINSTALL : WEBHOOK_FIX),
  invalid_token: () => OAUTH_REINSTALL,
  expired_token: () => OAUTH_REINSTALL,
  invalid_grant: () => `The refresh token is expired, already used or revoked. ${OAUTH_REINSTALL}`,
  invalid_client: () =>
    'Check BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET against the local app in Bitrix24.',
  insufficient_scope: (kind) =>
    `Grant the ${kind === 'oauth' ? 'local app' : 'incoming webhook'} the "crm" scope in Bitrix24.`,
  invalid_scope: () => 'Grant the local app the "crm" scope in Bitrix24.',
  invalid_request: (kind) =>
    kind === 'oauth'
      ? 'Check BITRIX24_OAUTH_TOKEN_URL and the app credentials.'
      : 'Use an https:// webhook URL.',
  overload_limit: () => 'Bitrix24 blocked this app or webhook manually; only Bitrix24 support can lift it.',
  access_denied: () => 'The portal plan does not allow REST API access.',
  payment_required: () => 'The portal plan does not allow this app (payment required).',
  user_access_error: () => 'The user behind the app or webhook has no access to it.',
  authorization_error: () => 'The user behind the webhook or app is inactive; use an active user.',
  application_not_found: () => 'Check BITRIX24_CLIENT_ID: the portal does not know this app.',
  portal_deleted: (kind) =>
    kind === 'oauth' ? 'Check BITRIX24_PORTAL_URL: the portal was deleted.' : WEBHOOK_FIX,
  method_confirm_waiting: () => 'A portal administrator must confirm the app’s access to this method.',
  method_confirm_denied: () => 'A portal administrator denied the app access to this method.',
  wrong_auth_type: () => 'This method cannot be called with this kind of authorization.',
  error_oauth: () => OAUTH_REINSTALL,
  not_configured: () =>
    'Set BITRIX24_WEBHOOK_URL, or BITRIX24_PORTAL_URL, BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET.',
  no_oauth_tokens: () => `No OAuth tokens are stored yet. ${OAUTH_REINSTALL}`,
  token_store_unreadable: () =>
    'The stored tokens cannot be decrypted: ENCRYPTION_KEY changed. Restore the old key, or reinstall the app / set BITRIX24_REFRESH_TOKEN.',
};

const RECORD_CODES: Record<string, RecordErrorReason> = {
  '': RecordErrorReason.Validation,
  '0': RecordErrorReason.Validation,
  error_argument: RecordErrorReason.Validation,
  invalid_arg_value: RecordErrorReason.Validation,
  crm_field_error_value_not_valid: RecordErrorReason.Validation,
  '100': RecordErrorReason.Validation,
  error_core: RecordErrorReason.Validation,
  not_found: RecordErrorReason.NotFound,
  error_not_found: RecordErrorReason.NotFound,
  error_entity_not_found: RecordErrorReason.NotFound,
  allowed_only_intranet_user: RecordErrorReason.Access,
};

const SERVER_CODES = new Set([
  'internal_server_error',
  'error_unexpected_answer',
  'connection_error',
  'unexpected_answer',
]);

/** Run-level configuration problems that are not credentials. */
const STOPS_RUNS = new Set(['error_method_not_found', 'error_batch_method_not_allowed', 'wrong_encoding']);

/**
 * Classifies a portal answer by its `error` code (codes are mixed-case; HTTP statuses disagree between
 * docs and server code, bitrix24-api.md §2.4, so the status only decides for codes we do not know).
 */
export function classifyApiError(
  code: string,
  httpStatus: number | undefined,
  description: string,
  authKind?: AuthKind,
): Classification {
  const key = code.toLowerCase();
  if (key === 'query_limit_exceeded') {
    return { classification: Bitrix24ErrorClass.Rate, outcome: 'not_applied' };
  }
  if (key === 'operation_time_limit') {
    return { classification: Bitrix24ErrorClass.Operating, outcome: 'not_applied' };
  }
  if (key in AUTH_HINTS && !(key === 'access_denied' && isRecordAccessDenial(description, httpStatus))) {
    return {
      classification: Bitrix24ErrorClass.Auth,
      outcome: 'not_applied',
      hint: AUTH_HINTS[key](authKind),
    };
  }
  if (SERVER_CODES.has(key) || (key === 'error_core' && (httpStatus ?? 0) >= 500)) {
    return { classification: Bitrix24ErrorClass.Server, outcome: 'unknown' };
  }
  if (key in RECORD_CODES || key === 'access_denied') {
    return {
      classification: Bitrix24ErrorClass.Record,
      outcome: 'not_applied',
      reason: recordReason(key, description),
    };
  }
  if (STOPS_RUNS.has(key)) {
    return {
      classification: Bitrix24ErrorClass.Record,
      outcome: 'not_applied',
      reason: RecordErrorReason.Validation,
      stopsRuns: true,
    };
  }
  return classifyUnknownCode(httpStatus, description);
}

function classifyUnknownCode(httpStatus: number | undefined, description: string): Classification {
  if (httpStatus !== undefined && httpStatus >= 500) {
    return { classification: Bitrix24ErrorClass.Server, outcome: 'unknown' };
  }
  if (httpStatus === 401) {
    return { classification: Bitrix24ErrorClass.Auth, outcome: 'not_applied' };
  }
  return {
    classification: Bitrix24ErrorClass.Record,
    outcome: 'not_applied',
    reason: recordReason('', description),
  };
}

/** ACCESS_DENIED is the plan check at the auth layer, but crm.item.* also uses it for record permissions. */
function isRecordAccessDenial(description: string, httpStatus: number | undefined): boolean {
  return httpStatus !== 401 && !/commercial|plan|tariff/i.test(description);
}

function recordReason(key: string, description: string): RecordErrorReason {
  const byCode = RECORD_CODES[key];
  if (byCode === RecordErrorReason.NotFound || byCode === RecordErrorReason.Access) {
    return byCode;
  }
  if (key === 'access_denied' || /access denied/i.test(description)) {
    return RecordErrorReason.Access;
  }
  // CRM sends "Not found" with an empty code (bitrix24-api.md §5.2); the text is all there is.
  if (/^not found\.?$|\bnot found\b/i.test(description)) {
    return RecordErrorReason.NotFound;
  }
  return RecordErrorReason.Validation;
}

/** A non-2xx answer whose body is not the REST envelope (proxy pages, empty bodies). */
export function classifyUnexpectedAnswer(httpStatus: number): Classification {
  if (httpStatus >= 500 || httpStatus === 0) {
    return { classification: Bitrix24ErrorClass.Server, outcome: 'unknown' };
  }
  if (httpStatus === 401 || httpStatus === 403) {
    return { classification: Bitrix24ErrorClass.Auth, outcome: 'not_applied' };
  }
  if (httpStatus === 429) {
    return { classification: Bitrix24ErrorClass.Rate, outcome: 'not_applied' };
  }
  // A 2xx/3xx/4xx we cannot read: the portal may have run the method.
  return { classification: Bitrix24ErrorClass.Server, outcome: 'unknown' };
}

const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CONNECT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const TIMEOUTS = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
  'ABORT_ERR',
  'AbortError',
]);

export interface TransportClassification extends Classification {
  readonly code: string;
}

/**
 * A request that got no usable answer. Only failures before the request left us (refused, DNS,
 * connect timeout, TLS) are `not_applied`; a reset or timeout after sending may have been applied.
 */
export function classifyTransportFailure(systemCode: string | undefined): TransportClassification {
  if (systemCode !== undefined && NOT_SENT.has(systemCode)) {
    return {
      code: ClientErrorCode.ConnectionFailed,
      classification: Bitrix24ErrorClass.Transport,
      outcome: 'not_applied',
    };
  }
  if (systemCode !== undefined && TIMEOUTS.has(systemCode)) {
    return {
      code: ClientErrorCode.RequestTimeout,
      classification: Bitrix24ErrorClass.Transport,
      outcome: 'unknown',
    };
  }
  return {
    code: ClientErrorCode.ConnectionLost,
    classification: Bitrix24ErrorClass.Transport,
    outcome: 'unknown',
  };
}

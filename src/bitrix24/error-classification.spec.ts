import { describe, expect, it } from '@jest/globals';
import { Bitrix24ErrorClass as C, RecordErrorReason as R } from './bitrix24.error.js';
import {
  classifyApiError,
  classifyTransportFailure,
  classifyUnexpectedAnswer,
  ClientErrorCode,
} from './error-classification.js';

describe(classifyApiError.name, () => {
  it.each([
    {
      code: 'QUERY_LIMIT_EXCEEDED',
      status: 503,
      description: 'Too many requests',
      cls: C.Rate,
      reason: undefined,
    },
    { code: 'query_limit_exceeded', status: 200, description: '', cls: C.Rate, reason: undefined },
    {
      code: 'OPERATION_TIME_LIMIT',
      status: 429,
      description: 'Method is blocked',
      cls: C.Operating,
      reason: undefined,
    },
    {
      code: 'expired_token',
      status: 401,
      description: 'The access token provided has expired',
      cls: C.Auth,
      reason: undefined,
    },
    { code: 'invalid_token', status: 401, description: '', cls: C.Auth, reason: undefined },
    {
      code: 'INVALID_CREDENTIALS',
      status: 401,
      description: 'Invalid request credentials',
      cls: C.Auth,
      reason: undefined,
    },
    {
      code: 'INVALID_CREDENTIALS',
      status: 403,
      description: 'Invalid request credentials',
      cls: C.Auth,
      reason: undefined,
    },
    {
      code: 'NO_AUTH_FOUND',
      status: 401,
      description: 'Wrong authorization data',
      cls: C.Auth,
      reason: undefined,
    },
    { code: 'insufficient_scope', status: 401, description: '', cls: C.Auth, reason: undefined },
    {
      code: 'OVERLOAD_LIMIT',
      status: 503,
      description: 'REST API is blocked due to overload.',
      cls: C.Auth,
      reason: undefined,
    },
    {
      code: 'ACCESS_DENIED',
      status: 401,
      description: 'REST is available only on commercial plans.',
      cls: C.Auth,
      reason: undefined,
    },
    { code: 'ACCESS_DENIED', status: 403, description: 'Access denied', cls: C.Record, reason: R.Access },
    { code: 'invalid_grant', status: 400, description: '', cls: C.Auth, reason: undefined },
    { code: 'invalid_client', status: 401, description: '', cls: C.Auth, reason: undefined },
    {
      code: 'PORTAL_DELETED',
      status: 403,
      description: 'Portal was deleted',
      cls: C.Auth,
      reason: undefined,
    },
    {
      code: '',
      status: 400,
      description: "Parameter 'fields' must be array.",
      cls: C.Record,
      reason: R.Validation,
    },
    { code: '', status: 400, description: 'Not found', cls: C.Record, reason: R.NotFound },
    { code: '', status: 400, description: 'Access denied.', cls: C.Record, reason: R.Access },
    {
      code: '',
      status: 400,
      description: 'ID is not defined or invalid.',
      cls: C.Record,
      reason: R.Validation,
    },
    { code: '0', status: 400, description: 'Invalid value', cls: C.Record, reason: R.Validation },
    { code: 'ERROR_CORE', status: 400, description: 'Invalid e-mail', cls: C.Record, reason: R.Validation },
    { code: 'ERROR_CORE', status: 500, description: 'SQL query error!', cls: C.Server, reason: undefined },
    { code: 'ERROR_ARGUMENT', status: 400, description: '', cls: C.Record, reason: R.Validation },
    { code: 'NOT_FOUND', status: 400, description: 'Item not found', cls: C.Record, reason: R.NotFound },
    { code: 'ERROR_ENTITY_NOT_FOUND', status: 400, description: '', cls: C.Record, reason: R.NotFound },
    { code: 'INTERNAL_SERVER_ERROR', status: 500, description: '', cls: C.Server, reason: undefined },
    { code: 'ERROR_UNEXPECTED_ANSWER', status: 500, description: '', cls: C.Server, reason: undefined },
    { code: 'SOMETHING_NEW', status: 502, description: '', cls: C.Server, reason: undefined },
    { code: 'SOMETHING_NEW', status: 401, description: '', cls: C.Auth, reason: undefined },
    { code: 'SOMETHING_NEW', status: 400, description: 'odd', cls: C.Record, reason: R.Validation },
    {
      code: 'ERROR_METHOD_NOT_FOUND',
      status: 404,
      description: 'Method not found!',
      cls: C.Record,
      reason: R.Validation,
    },
  ])('$code with HTTP $status ("$description") is $cls', ({ code, status, description, cls, reason }) => {
    const result = classifyApiError(code, status, description);
    expect(result.classification).toBe(cls);
    expect(result.reason).toBe(reason);
  });

  it.each([
    { cls: 'rate', code: 'QUERY_LIMIT_EXCEEDED', status: 503, outcome: 'not_applied' },
    { cls: 'operating', code: 'OPERATION_TIME_LIMIT', status: 429, outcome: 'not_applied' },
    { cls: 'auth', code: 'INVALID_CREDENTIALS', status: 401, outcome: 'not_applied' },
    { cls: 'record', code: '', status: 400, outcome: 'not_applied' },
    { cls: 'server', code: 'INTERNAL_SERVER_ERROR', status: 500, outcome: 'unknown' },
  ])('a $cls error leaves the outcome $outcome', ({ code, status, outcome }) => {
    expect(classifyApiError(code, status, '').outcome).toBe(outcome);
  });

  it.each([
    { code: 'INVALID_CREDENTIALS', kind: 'webhook' as const, mentions: 'BITRIX24_WEBHOOK_URL' },
    { code: 'invalid_grant', kind: 'oauth' as const, mentions: 'BITRIX24_REFRESH_TOKEN' },
    { code: 'invalid_client', kind: 'oauth' as const, mentions: 'BITRIX24_CLIENT_SECRET' },
    { code: 'insufficient_scope', kind: 'webhook' as const, mentions: '"crm" scope' },
    { code: 'NOT_CONFIGURED', kind: undefined, mentions: 'BITRIX24_WEBHOOK_URL' },
  ])('an auth error names the setting to fix: $code', ({ code, kind, mentions }) => {
    expect(classifyApiError(code, 401, '', kind).hint).toContain(mentions);
  });

  it('marks configuration-level failures that are not credentials as stopping runs', () => {
    expect(classifyApiError('ERROR_METHOD_NOT_FOUND', 404, 'Method not found!').stopsRuns).toBe(true);
    expect(classifyApiError('', 400, 'Not found').stopsRuns).toBeUndefined();
  });
});

describe(classifyTransportFailure.name, () => {
  it.each([
    { system: 'ECONNREFUSED', code: ClientErrorCode.ConnectionFailed, outcome: 'not_applied' },
    { system: 'ENOTFOUND', code: ClientErrorCode.ConnectionFailed, outcome: 'not_applied' },
    { system: 'UND_ERR_CONNECT_TIMEOUT', code: ClientErrorCode.ConnectionFailed, outcome: 'not_applied' },
    { system: 'DEPTH_ZERO_SELF_SIGNED_CERT', code: ClientErrorCode.ConnectionFailed, outcome: 'not_applied' },
    { system: 'ECONNRESET', code: ClientErrorCode.ConnectionLost, outcome: 'unknown' },
    { system: 'UND_ERR_SOCKET', code: ClientErrorCode.ConnectionLost, outcome: 'unknown' },
    { system: 'EPIPE', code: ClientErrorCode.ConnectionLost, outcome: 'unknown' },
    { system: 'UND_ERR_HEADERS_TIMEOUT', code: ClientErrorCode.RequestTimeout, outcome: 'unknown' },
    { system: 'UND_ERR_BODY_TIMEOUT', code: ClientErrorCode.RequestTimeout, outcome: 'unknown' },
    { system: 'TimeoutError', code: ClientErrorCode.RequestTimeout, outcome: 'unknown' },
    { system: undefined, code: ClientErrorCode.ConnectionLost, outcome: 'unknown' },
  ])('$system → $code, outcome $outcome', ({ system, code, outcome }) => {
    const result = classifyTransportFailure(system);
    expect(result.classification).toBe(C.Transport);
    expect(result.code).toBe(code);
    expect(result.outcome).toBe(outcome);
  });
});

describe(classifyUnexpectedAnswer.name, () => {
  it.each([
    { status: 502, cls: C.Server, outcome: 'unknown' },
    { status: 500, cls: C.Server, outcome: 'unknown' },
    { status: 200, cls: C.Server, outcome: 'unknown' },
    { status: 401, cls: C.Auth, outcome: 'not_applied' },
    { status: 429, cls: C.Rate, outcome: 'not_applied' },
  ])('an unreadable HTTP $status answer is $cls with outcome $outcome', ({ status, cls, outcome }) => {
    expect(classifyUnexpectedAnswer(status)).toMatchObject({ classification: cls, outcome });
  });
});

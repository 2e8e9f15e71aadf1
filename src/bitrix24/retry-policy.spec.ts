import { describe, expect, it } from '@jest/globals';
import { Bitrix24ErrorClass as C } from './bitrix24.error.js';
import { decideRetry, DEFAULT_RETRY_LIMITS, isWriteMethod, type AttemptState } from './retry-policy.js';

const fresh: AttemptState = {
  write: false,
  retriesUsed: 0,
  failingForMs: 0,
  limitWaitsUsed: 0,
  refreshed: false,
  oauth: false,
};

describe(decideRetry.name, () => {
  it.each([
    {
      what: 'rate limit',
      cls: C.Rate,
      code: 'QUERY_LIMIT_EXCEEDED',
      outcome: 'not_applied',
      state: { write: true },
      expected: 'wait',
    },
    {
      what: 'rate limit after many waits',
      cls: C.Rate,
      code: 'QUERY_LIMIT_EXCEEDED',
      outcome: 'not_applied',
      state: { limitWaitsUsed: 30 },
      expected: 'fail',
    },
    {
      what: 'rate limit, retries used up',
      cls: C.Rate,
      code: 'QUERY_LIMIT_EXCEEDED',
      outcome: 'not_applied',
      state: { retriesUsed: 9 },
      expected: 'wait',
    },
    {
      what: 'operating limit on a write',
      cls: C.Operating,
      code: 'OPERATION_TIME_LIMIT',
      outcome: 'not_applied',
      state: { write: true },
      expected: 'wait',
    },
    {
      what: 'expired token, OAuth',
      cls: C.Auth,
      code: 'expired_token',
      outcome: 'not_applied',
      state: { oauth: true },
      expected: 'refresh',
    },
    {
      what: 'revoked token, OAuth',
      cls: C.Auth,
      code: 'invalid_token',
      outcome: 'not_applied',
      state: { oauth: true },
      expected: 'refresh',
    },
    {
      what: 'expired token again after a refresh',
      cls: C.Auth,
      code: 'expired_token',
      outcome: 'not_applied',
      state: { oauth: true, refreshed: true },
      expected: 'fail',
    },
    {
      what: 'expired token with a webhook',
      cls: C.Auth,
      code: 'expired_token',
      outcome: 'not_applied',
      state: {},
      expected: 'fail',
    },
    {
      what: 'wrong webhook secret',
      cls: C.Auth,
      code: 'INVALID_CREDENTIALS',
      outcome: 'not_applied',
      state: {},
      expected: 'fail',
    },
    {
      what: 'validation error',
      cls: C.Record,
      code: '',
      outcome: 'not_applied',
      state: {},
      expected: 'fail',
    },
    {
      what: 'read, connection lost',
      cls: C.Transport,
      code: 'CONNECTION_LOST',
      outcome: 'unknown',
      state: {},
      expected: 'backoff',
    },
    {
      what: 'read, retries used up',
      cls: C.Transport,
      code: 'CONNECTION_LOST',
      outcome: 'unknown',
      state: { retriesUsed: 10 },
      expected: 'fail',
    },
    {
      what: 'read, failing for a while within the patience',
      cls: C.Transport,
      code: 'CONNECTION_FAILED',
      outcome: 'not_applied',
      state: { retriesUsed: 6, failingForMs: 29_999 },
      expected: 'backoff',
    },
    {
      what: 'read, failing for the whole patience',
      cls: C.Transport,
      code: 'CONNECTION_FAILED',
      outcome: 'not_applied',
      state: { retriesUsed: 1, failingForMs: 30_000 },
      expected: 'fail',
    },
    {
      what: 'write, connection refused for the whole patience',
      cls: C.Transport,
      code: 'CONNECTION_FAILED',
      outcome: 'not_applied',
      state: { write: true, failingForMs: 30_000 },
      expected: 'fail',
    },
    {
      what: 'write, connection lost after sending',
      cls: C.Transport,
      code: 'CONNECTION_LOST',
      outcome: 'unknown',
      state: { write: true },
      expected: 'fail',
    },
    {
      what: 'write, timed out',
      cls: C.Transport,
      code: 'REQUEST_TIMEOUT',
      outcome: 'unknown',
      state: { write: true },
      expected: 'fail',
    },
    {
      what: 'write, connection refused',
      cls: C.Transport,
      code: 'CONNECTION_FAILED',
      outcome: 'not_applied',
      state: { write: true },
      expected: 'backoff',
    },
    {
      what: 'write, 5xx',
      cls: C.Server,
      code: 'INTERNAL_SERVER_ERROR',
      outcome: 'unknown',
      state: { write: true },
      expected: 'fail',
    },
    {
      what: 'read, 5xx',
      cls: C.Server,
      code: 'INTERNAL_SERVER_ERROR',
      outcome: 'unknown',
      state: { retriesUsed: 2 },
      expected: 'backoff',
    },
  ] as const)('$what → $expected', ({ cls, code, outcome, state, expected }) => {
    expect(
      decideRetry({ classification: cls, code, outcome }, { ...fresh, ...state }, DEFAULT_RETRY_LIMITS),
    ).toBe(expected);
  });
});

describe(isWriteMethod.name, () => {
  it.each([
    { method: 'crm.deal.add', write: true },
    { method: 'crm.deal.update', write: true },
    { method: 'crm.deal.delete', write: true },
    { method: 'crm.item.batchImport', write: true },
    { method: 'crm.deal.userfield.add', write: true },
    { method: 'something.unknown', write: true },
    { method: 'crm.deal.get', write: false },
    { method: 'crm.deal.list', write: false },
    { method: 'CRM.DEAL.LIST', write: false },
    { method: 'crm.deal.fields', write: false },
    { method: 'crm.status.list', write: false },
    { method: 'crm.currency.list', write: false },
    { method: 'app.info', write: false },
    { method: 'profile', write: false },
  ])('$method is a write: $write', ({ method, write }) => {
    expect(isWriteMethod(method)).toBe(write);
  });
});

import { Bitrix24ErrorClass, type RequestOutcome } from './bitrix24.error.js';

export type RetryDecision =
  /** OAuth access token expired or revoked: refresh once, then send again. */
  | 'refresh'
  /** Rate or operating limit: the scheduler holds the next attempt back; not an attempt. */
  | 'wait'
  /** Transient failure that certainly did not apply, or a read: back off and send again. */
  | 'backoff'
  | 'fail';

export interface FailureFacts {
  readonly classification: Bitrix24ErrorClass;
  readonly code: string;
  readonly outcome: RequestOutcome;
  /** The portal answered nothing for the whole patience: give up at once. */
  readonly unreachable?: boolean;
}

export interface AttemptState {
  /** The request changes data (add, update, delete; a batch with any such command). */
  readonly write: boolean;
  readonly retriesUsed: number;
  /** How long this call has been failing: since its first failed attempt was sent (0 before any). */
  readonly failingForMs: number;
  readonly limitWaitsUsed: number;
  readonly refreshed: boolean;
  readonly oauth: boolean;
}

export interface RetryLimits {
  /** Retries of one call after transient failures; an upper bound, `patienceMs` normally ends them first. @default 10 */
  readonly maxRetries: number;
  /**
   * How long the portal may fail (no answer, 5xx) before we give up on it: a call retries transient failures
   * for this long, and once the portal has answered nothing for this long every call fails at once with an
   * `unreachable` error, which stops runs. Short blips are absorbed; an outage costs a run this much. @default 30000
   */
  readonly patienceMs: number;
  /** Limit waits before giving up (they are not attempts, but a portal that never recovers must not hang a run). @default 30 */
  readonly maxLimitWaits: number;
}

/**
 * `invalid_token` too: with rotation, another replica's refresh can revoke the access token we hold
 * (legacy docs, bitrix24-api.md §7); the refresh then adopts the pair it stored.
 */
const REFRESHABLE = new Set(['expired_token', 'invalid_token']);

export const DEFAULT_RETRY_LIMITS: RetryLimits = { maxRetries: 10, patienceMs: 30_000, maxLimitWaits: 30 };

/**
 * What to do after a failed request. A write whose outcome is unknown is never sent again: the caller
 * gets `unknown` and resolves it by ORIGIN_ID lookup (DESIGN invariant 1).
 */
export function decideRetry(failure: FailureFacts, state: AttemptState, limits: RetryLimits): RetryDecision {
  if (failure.unreachable) {
    return 'fail';
  }
  switch (failure.classification) {
    case Bitrix24ErrorClass.Rate:
    case Bitrix24ErrorClass.Operating:
      return state.limitWaitsUsed < limits.maxLimitWaits ? 'wait' : 'fail';
    case Bitrix24ErrorClass.Auth:
      return state.oauth && !state.refreshed && REFRESHABLE.has(failure.code.toLowerCase())
        ? 'refresh'
        : 'fail';
    case Bitrix24ErrorClass.Record:
      return 'fail';
    case Bitrix24ErrorClass.Transport:
    case Bitrix24ErrorClass.Server:
      if (state.write && failure.outcome === 'unknown') {
        return 'fail';
      }
      return state.retriesUsed < limits.maxRetries && state.failingForMs < limits.patienceMs
        ? 'backoff'
        : 'fail';
  }
}

const READ_ACTIONS = /^(get|list|fields|info|current|search|getlist|items|stage)$/i;
const READ_METHODS = new Set(['profile', 'app.info', 'scope', 'methods', 'server.time']);

/** Whether a method changes data; unknown methods count as writes so they are never blindly retried. */
export function isWriteMethod(method: string): boolean {
  const name = method.toLowerCase();
  if (READ_METHODS.has(name)) {
    return false;
  }
  const action = name.slice(name.lastIndexOf('.') + 1);
  return !READ_ACTIONS.test(action);
}

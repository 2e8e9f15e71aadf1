import type { Bitrix24AuthConfig, RateLimitConfig } from '../config/config.types.js';
import { MissingAuth, WebhookAuth, type Bitrix24Auth, type PreparedCall } from './bitrix24.auth.js';
import { Bitrix24Error, Bitrix24ErrorClass } from './bitrix24.error.js';
import { Bitrix24Stats } from './bitrix24.stats.js';
import { Bitrix24Transport, TransportFailure, type TransportOptions } from './bitrix24.transport.js';
import { runBatch, type BatchCommand, type BatchOptions, type CommandOutcome } from './batch.executor.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { QueryObject } from './batch-command.js';
import { systemClock, type Clock } from './clock.js';
import type { ClientLogger } from './client-logger.js';
import { silentLogger } from './client-logger.js';
import { pageThrough, type ListQuery, type ListRow } from './list-pager.js';
import {
  classifyApiError,
  classifyTransportFailure,
  classifyUnexpectedAnswer,
  ClientErrorCode,
} from './error-classification.js';
import { OAuthTokenEndpoint } from './oauth-token.endpoint.js';
import type { OAuthTokenStore } from './oauth-token.store.js';
import { OAuthSession } from './oauth.session.js';
import { DEFAULT_OPERATING_POLICY, type OperatingPolicy } from './operating-budget.js';
import { InProcessBudgetStore, type PortalBudgetStore } from './portal-budget.store.js';
import { RequestScheduler } from './request.scheduler.js';
import { PortalOutage } from './portal-outage.js';
import { operatingSampleOf, readEnvelope } from './response-envelope.js';
import {
  decideRetry,
  DEFAULT_RETRY_LIMITS,
  isWriteMethod,
  type AttemptState as RetryFacts,
  type RetryDecision,
  type RetryLimits,
} from './retry-policy.js';
import { SecretRedactor } from './secret-redactor.js';

export interface Bitrix24ClientOptions {
  /** Webhook or OAuth app; undefined → every call fails with NOT_CONFIGURED (the app still boots). */
  readonly auth: Bitrix24AuthConfig | undefined;
  /** The portal's leaky bucket, in portal seconds. @default { drainPerSecond: 2, capacity: 50 } */
  readonly rateLimit?: RateLimitConfig;
  /** Requests of room kept free in the portal's bucket against timing jitter. @default 0.5 */
  readonly safetyMargin?: number;
  /** Requests in flight at once. @default 8 */
  readonly maxInFlight?: number;
  /** Operating-time budget per method. @default DEFAULT_OPERATING_POLICY (480 s per 10 min, slow down from 80 %) */
  readonly operating?: Partial<OperatingPolicy>;
  /** Retries of transient failures, outage patience, limit waits. @default { maxRetries: 10, patienceMs: 30000, maxLimitWaits: 30 } */
  readonly retry?: Partial<RetryLimits>;
  /** Backoff between retries of transient failures. @default { baseMs: 500, maxMs: 30000, factor: 2 } */
  readonly backoff?: Partial<BackoffPolicy>;
  /** Pause after QUERY_LIMIT_EXCEEDED, growing with repeats. @default { baseMs: 1000, maxMs: 30000, factor: 2 } */
  readonly ratePause?: Partial<BackoffPolicy>;
  readonly transport?: TransportOptions;
  /**
   * Where the portal's leaky bucket and operating budgets live, shared with every other process talking
   * to the portal (the PostgreSQL store in the app). @default a budget of this client alone
   */
  readonly budgetStore?: PortalBudgetStore;
  /** Required with OAuth: where the rotating pair is kept. */
  readonly tokenStore?: OAuthTokenStore;
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default a silent logger */
  readonly logger?: ClientLogger;
  /** @default Math.random */
  readonly random?: () => number;
  /** Receives every secret the client holds (also rotated tokens), e.g. for a process-wide log scrubber. */
  readonly onSecret?: (value: string) => void;
}

export interface CallOptions {
  /** The call changes data; decides whether an ambiguous failure may be retried. @default by method name */
  readonly write?: boolean;
  /** Methods run inside the call (batch commands): their operating budgets apply as well. */
  readonly nestedMethods?: readonly string[];
  /** Higher runs first among waiting requests. @default 0 */
  readonly priority?: number;
  /** Runs as the request leaves (after its rate-limit wait); what it throws rejects the call unsent, as it is. */
  readonly beforeSend?: () => void;
}

export interface CallResult<T = unknown> {
  readonly result: T;
  readonly total: number | undefined;
  readonly next: number | undefined;
  readonly time: unknown;
}

const RETRY_PRIORITY = 1;
/** What the client asks to learn whether the portal answers again: a read every app and webhook may call. */
const PROBE_METHOD = 'server.time';

/** The retry policy's facts about one call, updated as it goes; when it was made and its first failed send. */
type AttemptState = { -readonly [K in keyof RetryFacts]: RetryFacts[K] } & {
  readonly calledAt: number;
  failingSince?: number;
};

/** One attempt's progress: what was prepared and when it left (undefined: never sent). */
interface Attempt {
  prepared?: PreparedCall;
  sentAt?: number;
  /** The caller's `beforeSend` refused it: its error goes back as it is, never retried. */
  vetoed?: boolean;
}

/** The only way our code talks to Bitrix24 (DESIGN §2): auth, limits, retries, error taxonomy, redaction. */
export class Bitrix24Client {
  readonly stats: Bitrix24Stats;
  readonly scheduler: RequestScheduler;
  readonly redactor: SecretRedactor;
  /** The OAuth session (install callback, refresh); undefined for webhooks. */
  readonly oauth: OAuthSession | undefined;
  readonly #auth: Bitrix24Auth;
  readonly #transport: Bitrix24Transport;
  readonly #clock: Clock;
  readonly #logger: ClientLogger;
  readonly #random: () => number;
  readonly #retry: RetryLimits;
  /** Failures of requests that left and may have run: their operating cost counts (scheduler `mayHaveRun`). */
  readonly #unanswered = new WeakSet<object>();
  readonly #backoff: BackoffPolicy;
  readonly #outage: PortalOutage;

  constructor(options: Bitrix24ClientOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#random = options.random ?? Math.random;
    this.#retry = { ...DEFAULT_RETRY_LIMITS, ...options.retry };
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#outage = new PortalOutage(this.#retry.patienceMs, this.#clock, this.#logger);
    this.stats = new Bitrix24Stats();
    this.redactor = new SecretRedactor();
    this.#transport = new Bitrix24Transport(options.transport);
    const onSecret = (value: string) => {
      this.redactor.add(value);
      options.onSecret?.(value);
    };
    this.oauth = this.#createOAuth(options, onSecret);
    this.#auth = this.oauth ?? this.#createAuth(options.auth, onSecret);
    this.scheduler = this.#createScheduler(options);
  }

  get authKind(): 'webhook' | 'oauth' | undefined {
    return this.#auth.kind;
  }

  /** One REST call. Throws Bitrix24Error; a write with an unknown outcome throws with `outcome: 'unknown'`. */
  async call<T = unknown>(
    method: string,
    params: QueryObject = {},
    options: CallOptions = {},
  ): Promise<CallResult<T>> {
    const methods = [method, ...(options.nestedMethods ?? [])];
    const state: AttemptState = {
      write: options.write ?? isWriteMethod(method),
      retriesUsed: 0,
      failingForMs: 0,
      limitWaitsUsed: 0,
      refreshed: false,
      oauth: this.#auth.kind === 'oauth',
      calledAt: this.#clock.now(),
    };
    for (let priority = options.priority ?? 0; ; priority = RETRY_PRIORITY) {
      const attempt: Attempt = {};
      try {
        return await this.scheduler.run(
          methods,
          async () => {
            try {
              options.beforeSend?.();
            } catch (veto) {
              attempt.vetoed = true;
              throw veto;
            }
            try {
              return await this.#attempt<T>(method, params, state.calledAt, attempt);
            } catch (error) {
              if (
                attempt.sentAt !== undefined &&
                this.#asError(error, method, attempt.prepared).outcome === 'unknown'
              ) {
                this.#unanswered.add(error as object);
              }
              throw error;
            }
          },
          priority,
        );
      } catch (error) {
        if (attempt.vetoed) {
          throw error;
        }
        const failure = this.#asError(error, method, attempt.prepared);
        if (failure.isOutage) {
          // Not sent (e.g. the OAuth token server did not answer): the failure counts from now.
          state.failingSince ??= attempt.sentAt ?? this.#clock.now();
          state.failingForMs = this.#clock.now() - state.failingSince;
        }
        const decision = decideRetry(failure, state, this.#retry);
        if (decision === 'fail') {
          throw await this.#outage.settle(failure, state.write, () =>
            this.call(PROBE_METHOD, {}, { priority: RETRY_PRIORITY }),
          );
        }
        this.#logger.debug(`${method}: ${failure.code || 'error'} → ${decision}`);
        await this.#prepareRetry(decision, state, attempt.prepared);
      }
    }
  }

  /** Any number of commands in `batch` requests of at most 50; one outcome per command, in order. */
  batch<T = unknown>(
    commands: readonly BatchCommand[],
    options?: BatchOptions,
  ): Promise<Array<CommandOutcome<T>>> {
    return runBatch<T>(this, commands, options);
  }

  /** Pages of a classic list method, fast paging (`>ID`, `start=-1`). */
  list<T extends ListRow = ListRow>(method: string, query?: ListQuery): AsyncGenerator<T[], void, undefined> {
    return pageThrough<T>(this, method, query);
  }

  /** Feeds a batch sub-result's `time` into the operating budget of its method. */
  observeTime(method: string, time: unknown): void {
    this.scheduler.observe(method, operatingSampleOf(time));
  }

  async close(): Promise<void> {
    await this.scheduler.flush();
    await this.#transport.close();
  }

  /**
   * One send, unless the portal is unreachable: then nothing leaves and the call fails at once. The portal's
   * health learns the outcome before the queue slot is freed, so requests queued behind a hung one see it.
   */
  async #attempt<T>(
    method: string,
    params: QueryObject,
    calledAt: number,
    attempt: Attempt,
  ): Promise<CallResult<T>> {
    this.#outage.assertReachable(method, calledAt);
    attempt.prepared = await this.#auth.prepare(method);
    const sentAt = this.#clock.now();
    attempt.sentAt = sentAt;
    try {
      const answer = await this.#send<T>(method, params, attempt.prepared);
      this.#outage.answered();
      return answer;
    } catch (error) {
      const failure = this.#asError(error, method, attempt.prepared);
      this.#outage.failed(failure, sentAt);
      throw failure;
    }
  }

  /** Rate/operating waits happen in the scheduler (already told by #apiError); they are not attempts. */
  async #prepareRetry(
    decision: Exclude<RetryDecision, 'fail'>,
    state: AttemptState,
    prepared: PreparedCall | undefined,
  ): Promise<void> {
    switch (decision) {
      case 'refresh':
        state.refreshed = true;
        await this.#auth.refreshAfterExpiry(prepared?.token);
        return;
      case 'wait':
        state.limitWaitsUsed += 1;
        return;
      case 'backoff': {
        state.retriesUsed += 1;
        // The last retry goes when the patience ends, not a long backoff step after it.
        const patienceLeft = this.#retry.patienceMs - state.failingForMs;
        await this.#clock.sleep(
          Math.min(backoffDelayMs(state.retriesUsed, this.#backoff, this.#random), patienceLeft),
        );
        return;
      }
    }
  }

  async #send<T>(method: string, params: QueryObject, prepared: PreparedCall): Promise<CallResult<T>> {
    const startedAt = this.#clock.now();
    const body = JSON.stringify({ ...params, ...prepared.bodyAuth }, jsonReplacer);
    let answer;
    try {
      answer = await this.#transport.postJson(prepared.url, body);
    } catch (error) {
      this.#record(method, 'transport', undefined, startedAt);
      throw error;
    }
    const envelope = readEnvelope(answer);
    this.#record(
      method,
      String(answer.status),
      envelope.kind === 'error' ? envelope.code : undefined,
      startedAt,
    );
    switch (envelope.kind) {
      case 'result':
        this.scheduler.accepted();
        this.observeTime(method, envelope.time);
        return {
          result: envelope.result as T,
          total: envelope.total,
          next: envelope.next,
          time: envelope.time,
        };
      case 'error':
        throw this.#apiError(method, envelope.code, envelope.description, answer.status, prepared);
      case 'moved':
        throw new Bitrix24Error({
          code: 'PORTAL_MOVED',
          description: `the portal answered HTTP ${answer.status} and moved to ${envelope.host}`,
          method,
          httpStatus: answer.status,
          url: prepared.redactedUrl,
          classification: Bitrix24ErrorClass.Auth,
          outcome: 'not_applied',
          hint: 'Update BITRIX24_WEBHOOK_URL or BITRIX24_PORTAL_URL to the new portal address.',
        });
      case 'unreadable':
        throw new Bitrix24Error({
          ...classifyUnexpectedAnswer(answer.status),
          code: ClientErrorCode.UnexpectedAnswer,
          description: `HTTP ${answer.status} without a REST answer`,
          method,
          httpStatus: answer.status,
          url: prepared.redactedUrl,
        });
    }
  }

  #apiError(
    method: string,
    code: string,
    description: string,
    status: number,
    prepared: PreparedCall,
  ): Bitrix24Error {
    const classified = classifyApiError(code, status, description, this.#auth.kind);
    const error = new Bitrix24Error({
      ...classified,
      code,
      description: this.redactor.redact(description),
      method,
      httpStatus: status,
      url: prepared.redactedUrl,
    });
    if (error.classification === Bitrix24ErrorClass.Rate) {
      this.scheduler.rateLimited();
    } else if (error.classification === Bitrix24ErrorClass.Operating) {
      this.scheduler.methodBlocked(method);
    } else if (error.classification === Bitrix24ErrorClass.Record) {
      this.observeTime(method, undefined);
    }
    return error;
  }

  #asError(error: unknown, method: string, prepared: PreparedCall | undefined): Bitrix24Error {
    if (error instanceof Bitrix24Error) {
      return error;
    }
    if (error instanceof TransportFailure) {
      const failure = classifyTransportFailure(error.systemCode);
      return new Bitrix24Error({
        ...failure,
        method,
        url: prepared?.redactedUrl,
        description: this.redactor.redact(error.message),
      });
    }
    // A bug of ours, not a portal answer: surface it without guessing the outcome.
    const text = this.redactor.redact(error instanceof Error ? error.message : String(error));
    return new Bitrix24Error({
      code: 'CLIENT_ERROR',
      description: text,
      method,
      url: prepared?.redactedUrl,
      classification: Bitrix24ErrorClass.Server,
      outcome: 'unknown',
    });
  }

  #record(method: string, status: string, code: string | undefined, startedAt: number): void {
    const durationMs = this.#clock.now() - startedAt;
    this.stats.recordRequest({ method, status, code, durationMs });
    this.#logger.debug(
      `${method} → ${status}${code === undefined ? '' : ` ${code || '(empty code)'}`} in ${Math.round(durationMs)} ms`,
    );
  }

  #createAuth(auth: Bitrix24AuthConfig | undefined, onSecret: (value: string) => void): Bitrix24Auth {
    if (auth?.kind === 'webhook') {
      onSecret(auth.secret.reveal());
      return new WebhookAuth(auth);
    }
    return new MissingAuth();
  }

  #createOAuth(options: Bitrix24ClientOptions, onSecret: (value: string) => void): OAuthSession | undefined {
    const auth = options.auth;
    if (auth?.kind !== 'oauth') {
      return undefined;
    }
    if (!options.tokenStore) {
      throw new Error(
        'Bitrix24Client: OAuth needs a tokenStore (the oauth_token table) to keep the rotating pair',
      );
    }
    return new OAuthSession({
      config: auth,
      store: options.tokenStore,
      endpoint: new OAuthTokenEndpoint(this.#transport, auth),
      clock: this.#clock,
      logger: this.#logger,
      onSecret,
    });
  }

  #createScheduler(options: Bitrix24ClientOptions): RequestScheduler {
    return new RequestScheduler({
      portal: options.auth ? new URL(options.auth.portalUrl).host : 'unconfigured',
      store: options.budgetStore ?? new InProcessBudgetStore(),
      rateLimit: options.rateLimit ?? { drainPerSecond: 2, capacity: 50 },
      safetyMargin: options.safetyMargin ?? 0.5,
      maxInFlight: options.maxInFlight ?? 8,
      operating: { ...DEFAULT_OPERATING_POLICY, ...options.operating },
      ratePause: { baseMs: 1000, maxMs: 30_000, factor: 2, ...options.ratePause },
      clock: this.#clock,
      stats: this.stats,
      random: this.#random,
      onRatePause: (ms) =>
        this.#logger.warn(`Bitrix24 answered QUERY_LIMIT_EXCEEDED: pausing all requests for ${ms} ms`),
      onMethodBlocked: (method, ms) =>
        this.#logger.warn(
          `Bitrix24 operating-time limit reached for ${method}: pausing this method for ${Math.round(ms)} ms`,
        ),
      mayHaveRun: (error) => typeof error === 'object' && error !== null && this.#unanswered.has(error),
      onStoreError: (error) =>
        this.#logger.warn(`The shared portal budget could not be updated: ${(error as Error).message}`),
    });
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

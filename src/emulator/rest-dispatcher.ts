import { encodeSection, executeBatch, parseBatchParams, type SubCallOutcome } from './batch.js';
import { buildTime, type TimeObject, type TimingRecord } from './call-timing.js';
import { OPERATING_WINDOW_SECONDS, type OperatingBudget } from './operating-budget.js';
import { phpIntval } from './php-query.js';
import { AUTH_PARAMS, type AuthRequest, type RestAuthenticator } from './rest-auth.js';
import { REST_ERRORS, RestError } from './rest-error.js';
import type { Caller, MethodServices, RestMethod } from './rest-method.js';

/**
 * Where a batch's operating time is charged (bitrix24-api.md §3.2, §11 item 4): 'nested' = docs and
 * server code (outer batch free, nested calls charged per method); 'batch' = measured in the cloud
 * (jssdk#539: the whole batch charged to method `batch`).
 */
export type BatchCharge = 'nested' | 'batch';

export interface DispatchSettings {
  cloud: boolean;
  batchCharge: BatchCharge;
  /** Simulated execution time per call (per item for imports) in virtual seconds; key '*' is the fallback. */
  methodCostSeconds: Readonly<Record<string, number>>;
}

export interface DispatchOutcome {
  body: unknown;
  error?: RestError;
  method: string;
  caller?: Caller;
  batchSize?: number;
}

export const DEFAULT_METHOD_COST_SECONDS = 0.05;
const BATCH_METHOD: RestMethod = { name: 'batch', scope: '_global', handler: () => ({ result: null }) };

/** One REST call through the engine's steps: transport, method lookup, auth, operating limit, handler, envelope. */
export class RestDispatcher {
  constructor(
    private readonly methods: ReadonlyMap<string, RestMethod>,
    private readonly auth: RestAuthenticator,
    private readonly services: MethodServices,
    private readonly budget: OperatingBudget,
    private readonly settings: () => DispatchSettings,
    /** Every method call that reached its handler, nested batch commands too. */
    private readonly onCall: (method: string) => void = () => undefined,
  ) {}

  dispatch(request: AuthRequest): DispatchOutcome {
    const name = request.route.method.toLowerCase();
    try {
      if (request.route.transport !== 'json' && request.route.transport !== 'xml') {
        throw REST_ERRORS.wrongTransport();
      }
      const method = name === 'batch' ? BATCH_METHOD : this.methods.get(name);
      if (method === undefined) {
        throw REST_ERRORS.methodNotFound();
      }
      const caller = this.auth.authenticate(request, method.scope);
      const params = stripEngineParams(request.params);
      return name === 'batch' ? this.#batch(params, caller) : this.#single(name, method, params, caller);
    } catch (error) {
      return { body: undefined, error: asRestError(error), method: name };
    }
  }

  #single(
    name: string,
    method: RestMethod,
    params: Record<string, unknown>,
    caller: Caller,
  ): DispatchOutcome {
    const charges = new Map<string, number>();
    const outcome = this.#call(name, method, params, caller, this.services.nowMs(), charges, true);
    if (!outcome.ok) {
      return { body: undefined, error: outcome.error, method: name, caller };
    }
    this.#record(charges);
    const { result, total, next } = outcome;
    const body = {
      result,
      ...(next === undefined ? {} : { next }),
      ...(total === undefined ? {} : { total }),
    };
    return { body: { ...body, time: this.#time(outcome.time) }, method: name, caller };
  }

  #batch(params: Record<string, unknown>, caller: Caller): DispatchOutcome {
    const settings = this.settings();
    const batch = parseBatchParams(params);
    const startMs = this.services.nowMs();
    const batchKey = operatingKey(caller, 'batch');
    if (settings.batchCharge === 'batch' && this.budget.isBlocked(batchKey, startMs / 1000)) {
      return {
        body: undefined,
        error: REST_ERRORS.operatingLimit(),
        method: 'batch',
        caller,
        batchSize: batch.commands.length,
      };
    }
    const charges = new Map<string, number>();
    let clockMs = startMs;
    const sections = executeBatch<TimingRecord>(batch, (commandMethod, commandParams) => {
      const outcome = this.#subCall(commandMethod, commandParams, caller, clockMs, charges);
      clockMs += outcome.ok ? outcome.time.processingSeconds * 1000 : 0;
      return outcome;
    });
    const processing = (clockMs - startMs) / 1000;
    if (settings.batchCharge === 'batch') {
      charges.clear();
      charges.set(batchKey, processing);
    }
    this.#record(charges);
    const timeOf = (record: TimingRecord) =>
      this.#time(settings.batchCharge === 'batch' ? { ...record, key: batchKey } : record);
    const result = {
      result: encodeSection(sections.result),
      result_error: encodeSection(sections.result_error),
      result_total: encodeSection(sections.result_total),
      result_next: encodeSection(sections.result_next),
      result_time: encodeSection(
        Object.fromEntries(Object.entries(sections.result_time).map(([k, t]) => [k, timeOf(t)])),
      ),
    };
    const time = this.#time({ startMs, processingSeconds: processing, key: batchKey });
    return { body: { result, time }, method: 'batch', caller, batchSize: batch.commands.length };
  }

  #subCall(
    rawName: string,
    params: Record<string, unknown>,
    caller: Caller,
    startMs: number,
    charges: Map<string, number>,
  ): SubCallOutcome<TimingRecord> {
    const name = rawName.toLowerCase();
    const method = this.methods.get(name) ?? this.methods.get(rawName);
    if (method === undefined) {
      return { ok: false, error: REST_ERRORS.methodNotFound() };
    }
    if (!caller.scopes.has(method.scope)) {
      return { ok: false, error: REST_ERRORS.insufficientScope(caller.kind) };
    }
    const checkBudget = this.settings().batchCharge === 'nested';
    return this.#call(name, method, stripEngineParams(params), caller, startMs, charges, checkBudget);
  }

  /** Runs one method: operating check, `start` extraction, handler, charge. */
  #call(
    name: string,
    method: RestMethod,
    params: Record<string, unknown>,
    caller: Caller,
    startMs: number,
    charges: Map<string, number>,
    checkBudget: boolean,
  ): SubCallOutcome<TimingRecord> {
    const settings = this.settings();
    const key = operatingKey(caller, name);
    if (checkBudget && this.budget.isBlocked(key, startMs / 1000)) {
      return { ok: false, error: REST_ERRORS.operatingLimit() };
    }
    const { start: rawStart, ...rest } = params;
    this.onCall(name);
    try {
      const { units = 1, ...outcome } = method.handler({
        params: rest,
        start: phpIntval(rawStart),
        caller,
        services: this.services,
      });
      const unitCost =
        settings.methodCostSeconds[name] ?? settings.methodCostSeconds['*'] ?? DEFAULT_METHOD_COST_SECONDS;
      const cost = unitCost * units;
      charges.set(key, (charges.get(key) ?? 0) + cost);
      return { ok: true, ...outcome, time: { startMs, processingSeconds: cost, key } };
    } catch (error) {
      return { ok: false, error: asRestError(error) };
    }
  }

  #record(charges: ReadonlyMap<string, number>): void {
    const nowSeconds = this.services.nowMs() / 1000;
    for (const [key, seconds] of charges) {
      this.budget.record(key, seconds, nowSeconds);
    }
  }

  #time(record: TimingRecord): TimeObject {
    const offset = this.services.offset();
    if (!this.settings().cloud) {
      return buildTime(record, offset);
    }
    const nowSeconds = this.services.nowMs() / 1000;
    const resetAt =
      this.budget.resetAt(record.key, nowSeconds) ??
      Math.floor(record.startMs / 1000) + OPERATING_WINDOW_SECONDS;
    return buildTime(record, offset, { operating: this.budget.operating(record.key, nowSeconds), resetAt });
  }
}

/** The operating-limit key: auth type, credential, method (loadlimiter.php). */
export function operatingKey(caller: Caller, method: string): string {
  return `${caller.kind}|${caller.credential}|${method}`;
}

/** Auth params and `state` never reach a method (`parameters_clear`, `init`). */
function stripEngineParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const name of [...AUTH_PARAMS, 'state']) {
    delete out[name];
  }
  return out;
}

function asRestError(error: unknown): RestError {
  if (error instanceof RestError) {
    return error;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new RestError('ERROR_CORE', `Internal emulator error: ${detail}`, 500);
}

/** What kind of failure a Bitrix24 call hit; callers branch on this, never on HTTP status. */
export enum Bitrix24ErrorClass {
  /** QUERY_LIMIT_EXCEEDED: the portal's request bucket is full. Waiting is not an attempt. */
  Rate = 'rate',
  /** OPERATION_TIME_LIMIT: the method's execution-time budget is spent. Waiting is not an attempt. */
  Operating = 'operating',
  /** Credentials, scope, plan or token problems: every call would fail the same way; stops runs. */
  Auth = 'auth',
  /** The portal rejected this record: validation, not found or access. Per-row failure. */
  Record = 'record',
  /** No usable HTTP answer: refused, reset, timed out. */
  Transport = 'transport',
  /** 5xx, proxy error pages, answers that are not the REST envelope. */
  Server = 'server',
}

export enum RecordErrorReason {
  Validation = 'validation',
  NotFound = 'not_found',
  Access = 'access',
}

/**
 * Whether the request may have changed data. `not_applied`: the portal certainly did not apply it
 * (rejected, never sent). `unknown`: it may have been applied (timeout, reset after sending, 5xx):
 * a write is then never retried blindly; the sync engine resolves it by an ORIGIN_ID lookup.
 */
export type RequestOutcome = 'not_applied' | 'unknown';

export interface Bitrix24ErrorInit {
  /** The portal's `error` code as sent (may be "" for CRM validation), or one of ours for client-side failures. */
  readonly code: string;
  /** The portal's `error_description` or our explanation; already redacted. */
  readonly description: string;
  readonly method: string;
  readonly httpStatus?: number;
  /** Endpoint with secrets replaced by `***`. */
  readonly url?: string;
  readonly classification: Bitrix24ErrorClass;
  readonly reason?: RecordErrorReason;
  readonly outcome: RequestOutcome;
  /**
   * The portal answered nothing usable for the client's whole patience (`retry.patienceMs`): an outage.
   * Every call fails the same way until it answers again, so runs stop; no row is to blame.
   */
  readonly unreachable?: boolean;
  /** Every call would fail the same way until a setting is fixed or the portal is back. @default auth or unreachable */
  readonly stopsRuns?: boolean;
  /** What the operator should do, for errors that stop runs. */
  readonly hint?: string;
}

/** The one error type of the Bitrix24 layer. Holds no secrets: only redacted text and the method name. */
export class Bitrix24Error extends Error {
  override readonly name = 'Bitrix24Error';
  readonly code: string;
  readonly description: string;
  readonly method: string;
  readonly httpStatus: number | undefined;
  readonly url: string | undefined;
  readonly classification: Bitrix24ErrorClass;
  readonly reason: RecordErrorReason | undefined;
  readonly outcome: RequestOutcome;
  readonly unreachable: boolean;
  readonly stopsRuns: boolean;
  readonly hint: string | undefined;

  constructor(init: Bitrix24ErrorInit) {
    super(describe(init));
    this.code = init.code;
    this.description = init.description;
    this.method = init.method;
    this.httpStatus = init.httpStatus;
    this.url = init.url;
    this.classification = init.classification;
    this.reason = init.reason;
    this.outcome = init.outcome;
    this.unreachable = init.unreachable ?? false;
    this.stopsRuns = init.stopsRuns ?? (init.classification === Bitrix24ErrorClass.Auth || this.unreachable);
    this.hint = init.hint;
  }

  /** Rate and operating waits: the request was refused before running and may simply be sent again. */
  get isLimit(): boolean {
    return (
      this.classification === Bitrix24ErrorClass.Rate || this.classification === Bitrix24ErrorClass.Operating
    );
  }

  /** The portal failed, not the request: no usable answer (transport) or a server error. */
  get isOutage(): boolean {
    return (
      this.classification === Bitrix24ErrorClass.Transport ||
      this.classification === Bitrix24ErrorClass.Server
    );
  }

  /**
   * The portal refused the record itself (validation, not found, access): the only failure that fails a
   * row (DESIGN invariant 9). Limits, authorization, configuration and outages never do.
   */
  get failsRow(): boolean {
    return this.classification === Bitrix24ErrorClass.Record && !this.stopsRuns;
  }

  /** This failure as the sign of an outage: the portal answered nothing for the client's whole patience. */
  asUnreachable(changes: Partial<Bitrix24ErrorInit> = {}): Bitrix24Error {
    return this.withContext({ ...changes, unreachable: true, stopsRuns: true });
  }

  /** A copy for another method or outcome (e.g. one batch failure fanned out to its commands). */
  withContext(changes: Partial<Bitrix24ErrorInit>): Bitrix24Error {
    return new Bitrix24Error({ ...this.toInit(), ...changes });
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...this.toInit() };
  }

  private toInit(): Bitrix24ErrorInit {
    return {
      code: this.code,
      description: this.description,
      method: this.method,
      httpStatus: this.httpStatus,
      url: this.url,
      classification: this.classification,
      reason: this.reason,
      outcome: this.outcome,
      unreachable: this.unreachable,
      stopsRuns: this.stopsRuns,
      hint: this.hint,
    };
  }
}

function describe(init: Bitrix24ErrorInit): string {
  const code = init.code === '' ? 'error with empty code' : init.code;
  const status = init.httpStatus === undefined ? '' : ` (HTTP ${init.httpStatus})`;
  const hint = init.hint ? ` ${init.hint}` : '';
  const outage = init.unreachable ? 'Bitrix24 unreachable: ' : '';
  return `${outage}${init.method}: ${code}${status}: ${init.description}${hint}`;
}

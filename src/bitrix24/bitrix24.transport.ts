import { Agent } from 'undici';

export interface TransportOptions {
  /**
   * A request is abandoned after this long (headers and body); a write then has an unknown outcome, resolved by
   * lookup. Batches of 50 take seconds; the cloud cuts requests at 60 s; a hung portal costs a run about this
   * plus nothing more, since the outage patience (`retry.patienceMs`) counts from when the request left. @default 30000
   */
  readonly requestTimeoutMs?: number;
  /** Time allowed to open a connection. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Connections kept per origin. @default 16 */
  readonly maxConnections?: number;
  /** Idle keep-alive sockets are closed after this long (shorter than typical server timeouts). @default 4000 */
  readonly keepAliveTimeoutMs?: number;
  /** Extra CA certificate (PEM) to trust, e.g. a self-signed test portal. */
  readonly ca?: string;
  /** @default 'erp-bitrix24-sync' */
  readonly userAgent?: string;
}

/** What came back over HTTP; `json` is undefined when the body is not JSON (proxy pages, empty bodies). */
export interface HttpAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly location: string | undefined;
}

/** The request got no HTTP answer. Carries the system/undici code only, never the URL or body. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';

  constructor(readonly systemCode: string | undefined) {
    super(`no answer from the portal (${systemCode ?? 'unknown cause'})`);
  }
}

/** HTTP for the client: one keep-alive undici Agent, JSON or form bodies, explicit timeouts. */
export class Bitrix24Transport {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(options: TransportOptions = {}) {
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#userAgent = options.userAgent ?? 'erp-bitrix24-sync';
    this.#agent = new Agent({
      connections: options.maxConnections ?? 16,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      connect: { timeout: options.connectTimeoutMs ?? 10_000, ...(options.ca ? { ca: options.ca } : {}) },
    });
  }

  /** `json` is the serialized body. */
  postJson(url: URL, json: string): Promise<HttpAnswer> {
    return this.#post(url, 'application/json', json);
  }

  postForm(url: URL, fields: Readonly<Record<string, string>>): Promise<HttpAnswer> {
    return this.#post(url, 'application/x-www-form-urlencoded', new URLSearchParams(fields).toString());
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #post(url: URL, contentType: string, body: string): Promise<HttpAnswer> {
    try {
      const response = await this.#agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/json', 'user-agent': this.#userAgent },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await response.body.text();
      const location = response.headers.location;
      return {
        status: response.statusCode,
        json: parseJson(text),
        location: typeof location === 'string' ? location : undefined,
      };
    } catch (error) {
      throw new TransportFailure(systemCodeOf(error));
    }
  }
}

function parseJson(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    return undefined;
  }
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** Duck-typed: errors raised by Node core may come from another realm (e.g. under jest), so no instanceof. */
function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const { code, name, cause } = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR') {
      return code;
    }
    if (name === 'TimeoutError') {
      return name;
    }
    current = cause;
  }
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

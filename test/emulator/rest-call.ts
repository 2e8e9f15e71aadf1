import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

export interface RestAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Loose view of REST bodies for assertions. */
export type Json = Record<string, unknown> & {
  result?: unknown;
  error?: string;
  error_description?: string;
  time?: Record<string, unknown>;
  total?: number;
  next?: number;
};

export interface CallOptions {
  httpMethod?: 'GET' | 'POST';
  /** JSON body by default; 'form' and 'raw' send `body` as given. */
  encoding?: 'json' | 'form' | 'raw';
  contentType?: string;
  headers?: Record<string, string>;
  query?: string;
  /** Path suffix after the method, e.g. '.json' or '/'. */
  suffix?: string;
}

/** One REST call over a real socket; `base` is a webhook URL or `${url}/rest/`. */
export async function call<T = Json>(
  base: string,
  method: string,
  params: unknown = {},
  options: CallOptions = {},
): Promise<RestAnswer<T>> {
  const encoding = options.encoding ?? 'json';
  const httpMethod = options.httpMethod ?? 'POST';
  const url = `${base}${method}${options.suffix ?? ''}${options.query === undefined ? '' : `?${options.query}`}`;
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (httpMethod === 'POST') {
    body = encoding === 'json' ? JSON.stringify(params) : String(params);
    headers['content-type'] =
      options.contentType ?? (encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded');
  }
  const response = await fetch(url, { method: httpMethod, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // HTML or XML bodies stay text
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Starts an emulator for one spec file with generous limits unless the spec asks otherwise. */
export function emulatorFor(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ rateLimit: { drainPerSecond: 1000, capacity: 100_000 }, ...options });
}

export async function control<T = unknown>(
  emulator: RunningEmulator,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

export async function addDeal(emulator: RunningEmulator, fields: Record<string, unknown>): Promise<number> {
  const answer = await call(emulator.webhookUrl, 'crm.deal.add', { fields });
  if (answer.status !== 200) {
    throw new Error(`crm.deal.add failed: ${answer.text}`);
  }
  return answer.body.result as number;
}

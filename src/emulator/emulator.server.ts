import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleControlRequest } from './control-api.js';
import type { EmulatorPortal } from './emulator-portal.js';
import type { RequestLogEntry } from './emulator-stats.js';
import type { FaultDecision } from './faults.js';
import { requestParams } from './request-params.js';
import type { AuthRequest } from './rest-auth.js';
import { REST_ERRORS, errorStatus, type RestError } from './rest-error.js';
import { parseRestPath } from './rest-route.js';
import { toRestXml } from './xml-output.js';

const BAD_GATEWAY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const GATEWAY_TIMEOUT_PAGE =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** The HTTP edge: routes /rest, /oauth/token and /_emulator, applies faults, limits and latency. */
export function createRequestHandler(portal: EmulatorPortal, secure: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req)
      .then((body) => route(portal, secure, req, res, body))
      .catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          const detail = error instanceof Error ? error.message : String(error);
          sendJson(res, 500, { error: 'EMULATOR_ERROR', error_description: detail });
        }
      });
  };
}

async function route(
  portal: EmulatorPortal,
  secure: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
): Promise<void> {
  // Concatenated, not resolved: a path starting with '//' must not turn into a host name.
  const url = new URL(`http://emulator.invalid${req.url ?? '/'}`);
  if (url.pathname.startsWith('/_emulator/')) {
    handleControlRequest(portal, req.method ?? 'GET', url, body, res);
    return;
  }
  if (url.pathname === '/oauth/token/' || url.pathname === '/oauth/token') {
    const params = requestParams(req.method ?? 'GET', url.search.slice(1), req.headers['content-type'], body);
    const answer = portal.oauth.handleTokenRequest(params);
    sendJson(res, answer.status, answer.body);
    return;
  }
  if (url.pathname.replace(/\/{2,}/g, '/').startsWith('/rest/')) {
    await handleRest(portal, secure, req, res, url, body);
    return;
  }
  sendJson(res, 404, { error: 'NOT_FOUND', error_description: 'Not found' });
}

interface Exchange {
  portal: EmulatorPortal;
  req: IncomingMessage;
  res: ServerResponse;
  log: Omit<RequestLogEntry, 'seq' | 'status' | 'auth'>;
}

/** Everything in front of the REST engine: faults, rename redirect, latency, the leaky bucket. */
async function handleRest(
  portal: EmulatorPortal,
  secure: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<void> {
  const arrivedMs = portal.clock.nowMs();
  portal.stats.arrival(arrivedMs);
  const restRoute = parseRestPath(url.pathname);
  const method = restRoute?.method.toLowerCase() ?? '';
  const exchange: Exchange = {
    portal,
    req,
    res,
    log: { time: new Date(arrivedMs).toISOString(), httpMethod: req.method ?? 'GET', method },
  };
  const finish = (status: number, extra: Partial<RequestLogEntry> = {}) =>
    portal.stats.finish({ ...exchange.log, status, auth: 'none', ...extra });
  const fault = portal.faultPlan.next();
  if (fault === 'drop' || fault === 'error-500' || fault === 'error-502') {
    finish(answerFault(res, fault), { fault });
    return;
  }
  const config = portal.config;
  if (config.movedTo !== undefined && new URL(config.movedTo).host !== req.headers.host) {
    res
      .writeHead(302, { Location: `${config.movedTo.replace(/\/$/, '')}${url.pathname}${url.search}` })
      .end();
    finish(302);
    return;
  }
  const latency = config.latencyMs + config.faults.latencyMs;
  if (latency > 0) {
    await sleep(latency);
  }
  if (!portal.admit()) {
    finish(sendRestError(portal, res, REST_ERRORS.queryLimit(), 'json'), { error: 'QUERY_LIMIT_EXCEEDED' });
    return;
  }
  if (restRoute === undefined) {
    finish(sendRestError(portal, res, REST_ERRORS.methodNotFound(), 'json'), {
      error: 'ERROR_METHOD_NOT_FOUND',
    });
    return;
  }
  const params = requestParams(req.method ?? 'GET', url.search.slice(1), req.headers['content-type'], body);
  const request = { route: restRoute, params, bearer: bearerToken(req), secure };
  answerRest(exchange, request, fault === 'commit-then-drop', (latency * config.clockSpeed) / 1000);
}

/** Runs the call and answers it, unless the response is to be lost or the request was cut off. */
function answerRest(
  exchange: Exchange,
  request: AuthRequest,
  dropAfter: boolean,
  latencySeconds: number,
): void {
  const { portal, res } = exchange;
  const outcome = portal.dispatcher.dispatch(request);
  countNestedOperatingErrors(portal, outcome.body);
  const finish = (status: number, extra: Partial<RequestLogEntry> = {}) =>
    portal.stats.finish({
      ...exchange.log,
      status,
      auth: outcome.caller?.kind ?? 'none',
      batchSize: outcome.batchSize,
      ...extra,
    });
  if (dropAfter) {
    res.destroy();
    finish(0, { fault: 'commit-then-drop' });
    return;
  }
  if (latencySeconds + processingSeconds(outcome.body) > portal.config.requestCutoffSeconds) {
    sendHtml(res, 504, GATEWAY_TIMEOUT_PAGE);
    finish(504, { fault: 'cutoff' });
    return;
  }
  if (outcome.error !== undefined) {
    finish(sendRestError(portal, res, outcome.error, request.route.transport), { error: outcome.error.code });
    return;
  }
  sendBody(res, 200, outcome.body, request.route.transport, portal);
  finish(200);
}

function answerFault(res: ServerResponse, fault: FaultDecision): number {
  if (fault === 'drop') {
    res.destroy();
    return 0;
  }
  if (fault === 'error-502') {
    sendHtml(res, 502, BAD_GATEWAY_PAGE);
    return 502;
  }
  sendJson(res, 500, { error: 'ERROR_CORE', error_description: 'SQL query error!' });
  return 500;
}

function sendRestError(
  portal: EmulatorPortal,
  res: ServerResponse,
  error: RestError,
  transport: string,
): number {
  const status = errorStatus(error, portal.config.errorStatusProfile, portal.config.errorStatuses);
  sendBody(res, status, error.body(), transport, portal);
  return status;
}

function sendBody(
  res: ServerResponse,
  status: number,
  body: unknown,
  transport: string,
  portal: EmulatorPortal,
): void {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'origin, content-type, accept',
    'X-Content-Type-Options': 'nosniff',
  };
  if (portal.config.cloud) {
    headers['X-Bitrix-Rest-Time'] = processingSeconds(body).toFixed(10);
  }
  if (transport === 'xml') {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/xml; charset=utf-8' }).end(toRestXml(body));
    return;
  }
  res
    .writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(body));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, page: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html' }).end(page);
}

function processingSeconds(body: unknown): number {
  const time =
    typeof body === 'object' && body !== null ? (body as { time?: { processing?: number } }).time : undefined;
  return time?.processing ?? 0;
}

function countNestedOperatingErrors(portal: EmulatorPortal, body: unknown): void {
  const result =
    typeof body === 'object' && body !== null
      ? (body as { result?: { result_error?: unknown } }).result
      : undefined;
  const errors = result?.result_error;
  if (typeof errors === 'object' && errors !== null) {
    const count = Object.values(errors).filter(
      (error) => (error as { error?: string } | null)?.error === 'OPERATION_TIME_LIMIT',
    ).length;
    portal.stats.operatingLimitInBatch(count);
  }
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

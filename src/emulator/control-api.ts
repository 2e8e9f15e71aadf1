import type { ServerResponse } from 'node:http';
import type { EmulatorPortal } from './emulator-portal.js';
import { RestError } from './rest-error.js';

/** User id of "hand" edits by default: the portal's second user, so reconcile can tell them apart. */
export const HAND_EDIT_USER_ID = 2;

type ControlAnswer = { status: number; body: unknown };

/**
 * Inspection and control outside /rest (`/_emulator/*`). Not rate limited, no auth, never returns a
 * secret (the webhook secret, client secret and tokens are absent from config and logs).
 */
export function handleControlRequest(
  portal: EmulatorPortal,
  httpMethod: string,
  url: URL,
  body: Buffer,
  res: ServerResponse,
): void {
  let answer: ControlAnswer;
  try {
    answer = controlAnswer(portal, httpMethod, url.pathname.replace(/\/$/, ''), parseJson(body));
  } catch (error) {
    const message = error instanceof RestError || error instanceof Error ? error.message : String(error);
    answer = { status: 400, body: { error: message } };
  }
  res
    .writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(answer.body));
}

function controlAnswer(
  portal: EmulatorPortal,
  method: string,
  path: string,
  input: Record<string, unknown>,
): ControlAnswer {
  const ok = (body: unknown): ControlAnswer => ({ status: 200, body });
  const dealMatch = /^\/_emulator\/deals\/(\d+)$/.exec(path);
  const key = `${method} ${dealMatch ? '/_emulator/deals/:id' : path}`;
  switch (key) {
    case 'GET /_emulator/deals':
      return ok(portal.dealsAsApi());
    case 'POST /_emulator/deals':
      return ok({ id: handAdd(portal, input) });
    case 'POST /_emulator/deals/:id':
      return ok(handEdit(portal, Number(dealMatch?.[1]), input));
    case 'DELETE /_emulator/deals/:id':
      portal.deals.delete(Number(dealMatch?.[1]));
      return ok({ deleted: true });
    case 'GET /_emulator/stats':
      return ok(portal.stats.snapshot());
    case 'GET /_emulator/requests':
      return ok(portal.stats.log());
    case 'POST /_emulator/reset':
      portal.reset();
      return ok({ reset: true });
    case 'GET /_emulator/config':
      return ok(portal.config);
    case 'POST /_emulator/config':
      return ok(portal.configure(input));
    case 'GET /_emulator/clock':
      return ok(clockState(portal));
    case 'POST /_emulator/clock':
      portal.clock.advance(Number(input.advanceSeconds ?? 0) * 1000);
      return ok(clockState(portal));
    case 'POST /_emulator/oauth/refresh-token':
      return ok({ refreshToken: portal.oauth.issueRefreshToken() });
    case 'POST /_emulator/oauth/authorization-code':
      return ok({ code: portal.oauth.issueAuthorizationCode() });
    case 'POST /_emulator/oauth/expire-access-tokens':
      portal.oauth.expireAccessTokens();
      return ok({ expired: true });
    default:
      return { status: 404, body: { error: `no control endpoint ${method} ${path}` } };
  }
}

function handAdd(portal: EmulatorPortal, input: Record<string, unknown>): number {
  const fields = portal.fields.internalize(objectOf(input.fields), 'add', portal.offset);
  const userId = Number(input.userId ?? HAND_EDIT_USER_ID);
  return portal.deals.add(fields, { userId, nowMs: portal.clock.nowMs() });
}

/** Edits a deal as a portal user would in the UI: DATE_MODIFY and MODIFY_BY_ID move. */
function handEdit(portal: EmulatorPortal, id: number, input: Record<string, unknown>) {
  const fields = portal.fields.internalize(objectOf(input.fields), 'update', portal.offset);
  const userId = Number(input.userId ?? HAND_EDIT_USER_ID);
  portal.deals.update(id, fields, { userId, nowMs: portal.clock.nowMs() });
  return portal.fields.externalize(portal.deals.get(id), portal.offset);
}

function clockState(portal: EmulatorPortal): { now: string; nowMs: number; speed: number } {
  const nowMs = portal.clock.nowMs();
  return { now: new Date(nowMs).toISOString(), nowMs, speed: portal.clock.speed };
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) {
    return {};
  }
  const value: unknown = JSON.parse(body.toString('utf8'));
  return objectOf(value);
}

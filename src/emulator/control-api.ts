import type { ServerResponse } from 'node:http';
import {
  addRecord,
  deleteRecord,
  entityStore,
  printRecord,
  updateRecord,
  type CrmEntityName,
} from './crm-entity.js';
import type { EmulatorPortal } from './emulator-portal.js';
import { printProductRow } from './product-rows.js';
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

const ENTITY_PATHS: Readonly<Record<string, CrmEntityName>> = {
  deals: 'deal',
  companies: 'company',
  contacts: 'contact',
};

const ENTITY_PATH = /^\/_emulator\/(deals|companies|contacts)(?:\/(\d+))?(\/productrows)?$/;

function controlAnswer(
  portal: EmulatorPortal,
  method: string,
  path: string,
  input: Record<string, unknown>,
): ControlAnswer {
  const ok = (body: unknown): ControlAnswer => ({ status: 200, body });
  const entityMatch = ENTITY_PATH.exec(path);
  if (entityMatch) {
    return entityAnswer(portal, method, entityMatch, input);
  }
  switch (`${method} ${path}`) {
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
      return notFound(method, path);
  }
}

/**
 * Deals, companies and contacts "by hand": list as `crm.*.get` prints them, create, edit (DATE_MODIFY
 * and MODIFY_BY_ID move; user 2 by default), delete; a deal's product rows as `productrows.get` prints them.
 */
function entityAnswer(
  portal: EmulatorPortal,
  method: string,
  [path, collection = '', rawId, rows]: RegExpExecArray,
  input: Record<string, unknown>,
): ControlAnswer {
  const entity = ENTITY_PATHS[collection] ?? 'deal';
  const id = Number(rawId);
  const ctx = { userId: Number(input.userId ?? HAND_EDIT_USER_ID), nowMs: portal.clock.nowMs() };
  const fields = objectOf(input.fields);
  const key = `${method} ${rawId === undefined ? 'list' : rows === undefined ? 'one' : 'rows'}`;
  switch (key) {
    case 'GET list':
      return { status: 200, body: portal.recordsAsApi(entity) };
    case 'POST list':
      return { status: 200, body: { id: addRecord(portal.services, entity, fields, ctx) } };
    case 'POST one':
      updateRecord(portal.services, entity, id, fields, ctx);
      return {
        status: 200,
        body: printRecord(portal.services, entity, entityStore(portal.services, entity).get(id)),
      };
    case 'DELETE one':
      deleteRecord(portal.services, entity, id);
      return { status: 200, body: { deleted: true } };
    case 'GET rows':
      if (entity === 'deal') {
        portal.deals.get(id);
        return { status: 200, body: portal.productRows.get(id).map(printProductRow) };
      }
      return notFound(method, path);
    default:
      return notFound(method, path);
  }
}

function notFound(method: string, path: string): ControlAnswer {
  return { status: 404, body: { error: `no control endpoint ${method} ${path}` } };
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

import type { DealFieldMap } from './deal-fields.js';
import type { DealStore } from './deal-store.js';
import type { PortalCatalog } from './portal-catalog.js';
import type { PortalOffset } from './portal-time.js';

export type AuthKind = 'webhook' | 'oauth';

/** Who is calling: the webhook owner or the token's user, with the granted scopes. */
export interface Caller {
  kind: AuthKind;
  userId: number;
  /** Operating-limit credential (webhook password id or app client id); never a secret. */
  credential: string;
  scopes: ReadonlySet<string>;
}

export interface MethodServices {
  deals: DealStore;
  fields: DealFieldMap;
  catalog: PortalCatalog;
  offset(): PortalOffset;
  nowMs(): number;
  /** Every applied write (add/update/delete) is counted here. */
  onWrite(method: string): void;
}

export interface CallContext {
  params: Record<string, unknown>;
  start: number;
  caller: Caller;
  services: MethodServices;
}

/** A method's return value; `total`/`next` are lifted to the envelope like the server does. */
export interface MethodResult {
  result: unknown;
  total?: number;
  next?: number;
}

/** Scopes every caller has (`batch`, `scope`, `server.time` live in `_global`; `profile` in `basic`). */
export const IMPLICIT_SCOPES: ReadonlySet<string> = new Set(['_global', 'basic']);

export interface RestMethod {
  name: string;
  scope: string;
  handler(ctx: CallContext): MethodResult;
}

export function registry(...groups: ReadonlyArray<readonly RestMethod[]>): ReadonlyMap<string, RestMethod> {
  return new Map(groups.flat().map((method) => [method.name, method]));
}

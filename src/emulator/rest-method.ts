import type { CrmStores } from './crm-entity.js';
import type { CrmFieldMap } from './deal-fields.js';
import type { PortalCatalog } from './portal-catalog.js';

export type AuthKind = 'webhook' | 'oauth';

/** Who is calling: the webhook owner or the token's user, with the granted scopes. */
export interface Caller {
  kind: AuthKind;
  userId: number;
  /** Operating-limit credential (webhook password id or app client id); never a secret. */
  credential: string;
  scopes: ReadonlySet<string>;
}

export interface MethodServices extends CrmStores {
  /** The deal field map (crm.deal.*, crm.item.*). */
  fields: CrmFieldMap;
  catalog: PortalCatalog;
  nowMs(): number;
  /** Every applied write (add/update/delete/set) is counted here. */
  onWrite(method: string): void;
  /** A deal create that starts the portal's automation rules (robots); imports do not. */
  onAutomation(): void;
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
  /** Work units the call is billed for (items of a `crm.item.batchImport`); 1 when absent. */
  units?: number;
}

/** Scopes every caller has (`batch`, `scope`, `server.time` live in `_global`; `profile` in `basic`). */
export const IMPLICIT_SCOPES: ReadonlySet<string> = new Set(['_global', 'basic']);

export interface RestMethod {
  name: string;
  scope: string;
  handler(ctx: CallContext): MethodResult;
}

/** Keyed by lower-case name: the server lower-cases the method before lookup (`crm.item.batchImport`). */
export function registry(...groups: ReadonlyArray<readonly RestMethod[]>): ReadonlyMap<string, RestMethod> {
  return new Map(groups.flat().map((method) => [method.name.toLowerCase(), method]));
}

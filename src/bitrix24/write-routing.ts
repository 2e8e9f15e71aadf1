import type { CreateMethod } from '../config/create-via.js';
import type { OperatingPolicy } from './operating-budget.js';
import type { SharedMethodBudget } from './portal-budget.store.js';

/**
 * Which method creates which deal (issue 13, bitrix24-api.md §3.2, §5b): the portal's operating budget is
 * per method, so creates spread over the methods a mapping allows get one budget each. Pure: the caller
 * reads every method's budget once per chunk and builds the requests from the answer.
 */

/** `crm.item.batchImport` takes at most this many deals per call. */
export const IMPORT_ITEMS_PER_CALL = 20;

export interface MethodCapacity {
  /** Seconds the method may still spend before the client starts spacing its calls out (slow-down share). */
  readonly fastSeconds: number;
  /** Seconds the method may still spend before the portal would block it. */
  readonly totalSeconds: number;
  /** What one call costs, seconds (a batchImport call: a full one of 20); undefined before its first answer. */
  readonly callCostSeconds: number | undefined;
}

/**
 * The method of each create, in order. Each create goes to the first allowed method whose budget, below its
 * slow-down share, still pays for it; then below the limit; a method is never given more than its budget pays
 * for (batchImport in whole calls of 20). A method not yet answered is costed like the dearest known create,
 * and like nothing when none is known (the client's gate sends its first request alone, as a probe). Creates
 * no budget pays for go to the first method, whose calls then wait in the client's gate for its window.
 */
export function routeCreates(
  count: number,
  allowed: readonly CreateMethod[],
  capacityOf: (method: CreateMethod) => MethodCapacity,
): CreateMethod[] {
  const routes = new Array<CreateMethod>(count);
  const perCreate = perCreateCosts(allowed, capacityOf);
  const spent = new Map<CreateMethod, number>();
  let next = 0;
  for (const tier of ['fastSeconds', 'totalSeconds'] as const) {
    for (const method of allowed) {
      if (next === count) {
        return routes;
      }
      const cost = perCreate.get(method) ?? 0;
      const left = capacityOf(method)[tier] - (spent.get(method) ?? 0);
      const take = Math.min(count - next, affordable(method, cost, left));
      routes.fill(method, next, next + take);
      next += take;
      spent.set(method, (spent.get(method) ?? 0) + costOf(method, cost, take));
    }
  }
  return routes.fill(allowed[0], next, count);
}

/**
 * A method's capacity from its shared budget: the last figure plus cost in flight, against the slow-down
 * share and the limit. A figure whose reset time has passed still counts whole: what left the window is
 * unknown until the next answer (the gate probes it).
 */
export function capacityOf(budget: SharedMethodBudget | undefined, policy: OperatingPolicy): MethodCapacity {
  const operating = budget?.operating;
  const used = (operating?.operatingSeconds ?? 0) + (budget?.inFlightSeconds ?? 0);
  const blocked = operating?.blockedUntilMs !== undefined;
  return {
    fastSeconds: blocked ? 0 : policy.limitSeconds * policy.slowDownRatio - used,
    totalSeconds: blocked ? 0 : policy.limitSeconds - used,
    callCostSeconds: operating?.portalAt === undefined ? undefined : operating.callCostSeconds,
  };
}

/** Groups of creates per method, in the order the routes give (indexes into the chunk). */
export function byMethod(routes: readonly CreateMethod[]): Map<CreateMethod, number[]> {
  const groups = new Map<CreateMethod, number[]>();
  routes.forEach((method, index) => {
    const group = groups.get(method) ?? [];
    group.push(index);
    groups.set(method, group);
  });
  return groups;
}

function perCreateCosts(
  allowed: readonly CreateMethod[],
  capacityOf: (method: CreateMethod) => MethodCapacity,
): Map<CreateMethod, number> {
  const known = new Map<CreateMethod, number>();
  for (const method of allowed) {
    const call = capacityOf(method).callCostSeconds;
    if (call !== undefined && call > 0) {
      known.set(method, method === 'crm.item.batchImport' ? call / IMPORT_ITEMS_PER_CALL : call);
    }
  }
  const dearest = Math.max(0, ...known.values());
  return new Map(allowed.map((method) => [method, known.get(method) ?? dearest]));
}

/** Creates a budget of `left` seconds pays for; everything when the cost is not known yet. */
function affordable(method: CreateMethod, perCreate: number, left: number): number {
  if (perCreate <= 0) {
    return Number.POSITIVE_INFINITY;
  }
  if (left <= 0) {
    return 0;
  }
  if (method !== 'crm.item.batchImport') {
    return Math.floor(left / perCreate + 1e-9);
  }
  return Math.floor(left / (perCreate * IMPORT_ITEMS_PER_CALL) + 1e-9) * IMPORT_ITEMS_PER_CALL;
}

/** What `count` creates cost the method: a batchImport call is billed whole here (the dearest case). */
function costOf(method: CreateMethod, perCreate: number, count: number): number {
  return method === 'crm.item.batchImport'
    ? Math.ceil(count / IMPORT_ITEMS_PER_CALL) * IMPORT_ITEMS_PER_CALL * perCreate
    : count * perCreate;
}

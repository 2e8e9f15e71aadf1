import type { DeleteConfig, EntityType } from '../../config/mapping.schema.js';
import type { DealLink } from '../../persistence/entities/deal-link.entity.js';
import { ChangeKind, type DeleteChange } from './deal-change.js';

/** A link a finished full sweep did not see: its ERP row is gone. */
export type UnseenLink = Pick<DealLink, 'erpKey' | 'dealId' | 'removed' | 'payload'>;

/** The circuit breaker's verdict when a run would remove more deals than allowed (invariant 7). */
export interface DeleteGuardTrip {
  /** Deals the policy would have closed or deleted. */
  readonly planned: number;
  readonly maxPerRun: number;
  /** The setting that allows them, e.g. `mappings[0].delete.maxPerRun`. */
  readonly setting: string;
  readonly message: string;
}

export interface DeletePlan {
  /** Nothing when the policy is `ignore` or the guard tripped. */
  readonly changes: readonly DeleteChange[];
  readonly guard: DeleteGuardTrip | null;
  /** Unseen links that never got a deal (only failed creates): nothing to remove in Bitrix24. */
  readonly unlinkedKeys: readonly string[];
}

/**
 * Turns unseen links into delete changes under the mapping's policy: `ignore` plans nothing, `close`
 * moves the deal to the configured stage (a crm.deal.update), `delete` deletes it. Already removed links
 * are skipped. If more than `maxPerRun` deals would go, nothing is planned and the guard says why.
 */
export function planDeletes(
  unseen: readonly UnseenLink[],
  config: DeleteConfig,
  mappingIndex: number,
): DeletePlan {
  const unlinkedKeys = unseen
    .filter((link) => link.dealId === null && !link.removed)
    .map((link) => link.erpKey);
  if (config.policy === 'ignore') {
    return { changes: [], guard: null, unlinkedKeys };
  }
  const candidates = unseen.filter(hasLiveDeal);
  const guard = checkDeleteGuard(candidates.length, config, mappingIndex);
  if (guard !== null) {
    return { changes: [], guard, unlinkedKeys };
  }
  return { changes: planDeleteChanges(candidates, config), guard: null, unlinkedKeys };
}

/**
 * Delete changes for one page of unseen links, without the guard: for an engine that checked
 * `checkDeleteGuard` on the full count first. Removed links and links without a deal are skipped.
 */
export function planDeleteChanges(unseen: readonly UnseenLink[], config: DeleteConfig): DeleteChange[] {
  return config.policy === 'ignore'
    ? []
    : unseen.filter(hasLiveDeal).map((link) => deleteChange(link, config));
}

/**
 * The guard alone, for an engine that counts unseen links in SQL before paging through them. Trips when
 * `count` exceeds `maxPerRun`; `ignore` never trips.
 */
export function checkDeleteGuard(
  count: number,
  config: DeleteConfig,
  mappingIndex: number,
  entity: EntityType = 'deal',
): DeleteGuardTrip | null {
  if (config.policy === 'ignore' || count <= config.maxPerRun) {
    return null;
  }
  const setting = `mappings[${mappingIndex}].delete.maxPerRun`;
  const verb = config.policy === 'close' ? 'closed' : 'deleted';
  return {
    planned: count,
    maxPerRun: config.maxPerRun,
    setting,
    message:
      `delete guard: ${count} ${PLURAL[entity]} would be ${verb}, more than ${setting} = ${config.maxPerRun}; ` +
      `nothing was ${verb}. Check the source, then raise ${setting} to at least ${count} to allow it`,
  };
}

const PLURAL: Record<EntityType, string> = { deal: 'deals', company: 'companies', contact: 'contacts' };

/** Orphans found so far: all counted, kept only while the guard could still let them through. */
export interface OrphanTally {
  readonly count: number;
  readonly kept: readonly UnseenLink[];
}

export const NO_ORPHANS: OrphanTally = { count: 0, kept: [] };

/**
 * Adds one page's orphans. Once more than `maxPerRun` are found the guard will trip and none is removed,
 * so none is kept: memory stays bounded by the setting however many orphans the portal holds.
 */
export function tallyOrphans(
  tally: OrphanTally,
  found: readonly UnseenLink[],
  config: DeleteConfig,
): OrphanTally {
  const count = tally.count + found.length;
  const keep = config.policy !== 'ignore' && count <= config.maxPerRun;
  return { count, kept: keep ? [...tally.kept, ...found] : [] };
}

type LinkedDeal = UnseenLink & { readonly dealId: number };

function hasLiveDeal(link: UnseenLink): link is LinkedDeal {
  return link.dealId !== null && !link.removed;
}

function deleteChange(link: LinkedDeal, config: DeleteConfig): DeleteChange {
  const dealId = link.dealId;
  if (config.policy === 'close') {
    const stage = config.stage ?? '';
    const old = link.payload?.STAGE_ID ?? null;
    return {
      kind: ChangeKind.Delete,
      erpKey: link.erpKey,
      dealId,
      policy: 'close',
      fields: { STAGE_ID: stage },
      changes: { STAGE_ID: { old, new: stage } },
    };
  }
  return { kind: ChangeKind.Delete, erpKey: link.erpKey, dealId, policy: 'delete', fields: {}, changes: {} };
}

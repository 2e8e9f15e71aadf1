import type { EntityType, MappingConfig } from '../../config/mapping.schema.js';
import { SYNCED_FIRST } from '../mapping/parent-ids.js';
import { PRODUCT_ROWS } from '../mapping/product-rows.js';

/** A planned operation as the plan summary counts it. */
export interface PlannedOperation {
  readonly action: 'create' | 'update' | 'delete';
  /** False for a row that fails. */
  readonly planned: boolean;
  readonly changes: Readonly<Record<string, { readonly old: unknown; readonly new: unknown }>>;
}

/**
 * `plan --json`'s counts per entity: the mapping's own records by action, the parents a run would sync first
 * (by their entity: distinct keys a dry run shows as `customers/42 (synced first)`), and product-row sets.
 */
export type EntityCounts = Partial<Record<EntityType | 'productRows', Record<string, number>>>;

export interface EntityCounter {
  add(operation: PlannedOperation): void;
  counts(): EntityCounts;
}

export function entityCounter(mapping: MappingConfig, mappings: readonly MappingConfig[]): EntityCounter {
  const own: Record<string, number> = { creates: 0, updates: 0, deletes: 0 };
  const parents = new Map<EntityType, Set<string>>();
  const links = Object.entries(mapping.fields).flatMap(([field, config]) => {
    const parent = mappings.find((candidate) => candidate.name === config.link);
    return parent === undefined ? [] : [{ field, entity: parent.entity }];
  });
  let rowSets = 0;
  return {
    add(operation) {
      if (!operation.planned) {
        return;
      }
      own[`${operation.action}s`] += 1;
      rowSets += PRODUCT_ROWS in operation.changes ? 1 : 0;
      for (const link of links) {
        const value = operation.changes[link.field]?.new;
        if (typeof value === 'string' && value.endsWith(SYNCED_FIRST)) {
          const keys = parents.get(link.entity) ?? new Set<string>();
          parents.set(link.entity, keys.add(value));
        }
      }
    },
    counts() {
      const counts: EntityCounts = { [mapping.entity]: { ...own } };
      for (const [entity, keys] of parents) {
        counts[entity] = { ...counts[entity], syncedFirst: keys.size };
      }
      return mapping.productRows === undefined ? counts : { ...counts, productRows: { sets: rowSets } };
    },
  };
}

import type { MappingConfig } from '../config/config.types.js';
import { RunMode } from '../persistence/entities/sync-run.entity.js';

export interface ScheduledJob {
  /** Registry name, e.g. `odoo-orders:incremental`. */
  readonly name: string;
  readonly mapping: string;
  readonly mode: RunMode;
  readonly cron: string;
}

/** The cron jobs the mapping file asks for: schedule, fullSweep and reconcile of every enabled mapping. */
export function scheduledJobs(mappings: readonly MappingConfig[]): ScheduledJob[] {
  return mappings
    .filter((mapping) => mapping.enabled)
    .flatMap((mapping) =>
      (
        [
          [RunMode.Incremental, mapping.schedule],
          [RunMode.Full, mapping.fullSweep],
          [RunMode.Reconcile, mapping.reconcile],
        ] as const
      )
        .filter((entry): entry is readonly [RunMode, string] => entry[1] !== undefined)
        .map(([mode, cron]) => ({ name: `${mapping.name}:${mode}`, mapping: mapping.name, mode, cron })),
    );
}

import type { Logger } from '@nestjs/common';
import type { MappingConfig } from '../config/config.types.js';
import type { SyncRun } from '../persistence/entities/sync-run.entity.js';
import { ZERO_COUNTERS, type RunCounters } from '../persistence/sync-run.repository.js';
import type { CompiledMapping } from './mapping/mapping-compiler.js';
import type { PlanFeed } from './plan-feed.js';
import type { RunLease } from './run-lease.js';

export interface RunControl {
  /** True when the process is shutting down: finish the current step and stop. */
  shouldStop(): boolean;
}

type Counter = keyof RunCounters;

/** The run's counters as it goes (in memory; saved as progress after every step). */
export class RunTally {
  private counters: { -readonly [K in Counter]: number } = { ...ZERO_COUNTERS };

  add(counter: Counter, amount = 1): void {
    this.counters[counter] += amount;
  }

  get(counter: Counter): number {
    return this.counters[counter];
  }

  snapshot(): RunCounters {
    return { ...this.counters };
  }
}

/** Everything one run's steps share. */
export interface RunContext {
  readonly run: SyncRun;
  readonly mapping: MappingConfig;
  readonly compiled: CompiledMapping;
  /** Position in the mapping file, for messages naming a setting (`mappings[0].delete.maxPerRun`). */
  readonly mappingIndex: number;
  readonly tally: RunTally;
  readonly control: RunControl;
  /** Checked before every batch and confirm: a run that lost it stops at once (invariant 6). */
  readonly lease: RunLease;
  /** Set while the run plans and sends at once: the planner announces each page it writes to the outbox. */
  readonly feed?: PlanFeed;
  /** Lifecycle lines carry the run id (CONVENTIONS: "the run id on every line during a run"). */
  readonly logger: Logger;
}

export const runPrefix = (run: SyncRun): string => `[run ${run.id} ${run.mapping}]`;

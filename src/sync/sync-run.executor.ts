import { Injectable, Logger, Optional } from '@nestjs/common';
import { Bitrix24Error } from '../bitrix24/bitrix24.error.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig, MappingConfig } from '../config/config.types.js';
import { SyncMetrics } from '../metrics/sync.metrics.js';
import { RunMode, RunStatus, type SyncRun } from '../persistence/entities/sync-run.entity.js';
import { SyncRunRepository, type RunCounters } from '../persistence/sync-run.repository.js';
import { ChangePlanner, type PlanOutcome } from './change.planner.js';
import { compileMapping } from './mapping/mapping-compiler.js';
import { OutboxApplier, type ApplyResult } from './outbox.applier.js';
import { PlanFeed } from './plan-feed.js';
import { ReconcilePlanner } from './reconcile.planner.js';
import { runPrefix, RunTally, type RunContext, type RunControl } from './run-context.js';
import type { RunLease } from './run-lease.js';
import { runVerdict } from './run-verdict.js';

/** Executes one started run under its lease: resume the outbox, plan, apply, finish (DESIGN §1). */
@Injectable()
export class SyncRunExecutor {
  private readonly logger = new Logger(SyncRunExecutor.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly runs: SyncRunRepository,
    private readonly planner: ChangePlanner,
    private readonly reconciler: ReconcilePlanner,
    private readonly applier: OutboxApplier,
    @Optional() private readonly metrics?: SyncMetrics,
  ) {}

  async execute(
    run: SyncRun,
    mapping: MappingConfig,
    control: RunControl,
    lease: RunLease,
  ): Promise<SyncRun> {
    const context = this.contextFor(run, mapping, control, lease);
    const started = Date.now();
    let plan: PlanOutcome | undefined;
    let apply: ApplyResult | undefined;
    let error: unknown;
    try {
      this.logger.log(`${runPrefix(run)} started: ${describeRun(run)}`);
      if (!(await this.runs.isCancelRequested(run.id))) {
        if (run.dryRun) {
          plan = await this.plan(context);
        } else {
          apply = await this.resume(context);
          if (!apply.stopped) {
            ({ plan, apply } = await this.planAndApply(context));
          }
        }
      }
    } catch (caught) {
      error = caught;
    }
    return this.finish(
      context,
      { plan, apply, error, cancelled: await this.runs.isCancelRequested(run.id) },
      started,
    );
  }

  /** Operations left open by earlier runs (a crash, a shutdown) go first, so no key is planned twice. */
  private async resume(context: RunContext): Promise<ApplyResult> {
    const result = await this.applier.applyOpen(context);
    if (context.tally.get('applied') > 0) {
      this.logger.log(
        `${runPrefix(context.run)} resumed ${context.tally.get('applied')} operation(s) left by earlier runs`,
      );
    }
    return result;
  }

  /**
   * Plans and sends at once: the first batch leaves as soon as the first page is in the outbox, and the bucket never
   * waits for the whole plan. Either side failing stops the other after its current step.
   */
  private async planAndApply(outer: RunContext): Promise<{ plan?: PlanOutcome; apply?: ApplyResult }> {
    let applyFailed = false;
    const feed = new PlanFeed();
    const control = { shouldStop: () => outer.control.shouldStop() || applyFailed };
    const context: RunContext = { ...outer, control, feed };
    const planning = this.plan(context).finally(() => feed.close());
    const applying = this.applier.applyOpen(context).catch((error: unknown) => {
      applyFailed = true;
      throw error;
    });
    const [plan, apply] = await Promise.allSettled([planning, applying]);
    if (apply.status === 'rejected') {
      throw apply.reason;
    }
    if (plan.status === 'rejected') {
      throw plan.reason;
    }
    return { plan: plan.value, apply: apply.value };
  }

  private async plan(context: RunContext): Promise<PlanOutcome> {
    const plan =
      context.run.mode === RunMode.Reconcile
        ? await this.reconciler.plan(context)
        : await this.planner.plan(context);
    this.logger.log(
      `${runPrefix(context.run)} planned ${context.tally.get('planned')} operation(s) from ${context.tally.get('rowsRead')} row(s); ` +
        `${context.tally.get('unchanged')} unchanged, ${context.tally.get('failed')} failed`,
    );
    return plan;
  }

  private async finish(
    context: RunContext,
    steps: { plan?: PlanOutcome; apply?: ApplyResult; error: unknown; cancelled: boolean },
    started: number,
  ): Promise<SyncRun> {
    const counters: RunCounters = context.tally.snapshot();
    const verdict = runVerdict({
      counters,
      dryRun: context.run.dryRun,
      cancelled: steps.cancelled,
      stopped: Boolean(steps.plan?.stopped || steps.apply?.stopped),
      openLeft: steps.apply?.open ?? 0,
      guard: steps.plan?.guard ?? null,
      error: describeError(steps.error),
    });
    const advanceCursor =
      verdict.advanceCursor && context.run.mode === RunMode.Incremental && context.run.erpKeys === null;
    const owned = await this.runs.finish(
      context.run,
      context.lease.owner,
      {
        status: verdict.status,
        counters,
        error: verdict.error,
        cursorFrom: steps.plan?.cursorFrom ?? null,
        cursorTo: steps.plan?.cursorTo ?? null,
        advanceCursor,
      },
      new Date(),
    );
    if (!owned) {
      this.logger.error(
        `${runPrefix(context.run)} was closed by another process after its lease expired: its result is not recorded`,
      );
      return (await this.runs.findById(context.run.id)) as SyncRun;
    }
    this.metrics?.runFinished(context.run.mapping, verdict.status);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary =
      `${runPrefix(context.run)} ${verdict.status} in ${seconds}s: ${counters.created} created, ${counters.updated} updated, ` +
      `${counters.deleted} deleted, ${counters.unchanged} unchanged, ${counters.failed} failed` +
      (verdict.error ? ` — ${verdict.error}` : '');
    if (verdict.status === RunStatus.Failed) {
      this.logger.error(summary);
    } else {
      this.logger.log(summary);
    }
    return (await this.runs.findById(context.run.id)) as SyncRun;
  }

  private contextFor(run: SyncRun, mapping: MappingConfig, control: RunControl, lease: RunLease): RunContext {
    const mappingIndex = this.config.mappings.findIndex((candidate) => candidate.name === mapping.name);
    return {
      run,
      mapping,
      compiled: compileMapping(mapping, mappingIndex),
      mappingIndex,
      tally: new RunTally(),
      control,
      lease,
      logger: this.logger,
    };
  }
}

function describeRun(run: SyncRun): string {
  const parts: string[] = [run.mode, run.trigger];
  if (run.dryRun) {
    parts.push('dry run');
  }
  if (run.erpKeys) {
    parts.push(`${run.erpKeys.length} key(s)`);
  }
  if (run.requestedBy) {
    parts.push(`by ${run.requestedBy}`);
  }
  return parts.join(', ');
}

function describeError(error: unknown): string | null {
  if (error === undefined) {
    return null;
  }
  if (error instanceof Bitrix24Error) {
    return error.hint ? `${error.message} — ${error.hint}` : error.message;
  }
  return error instanceof Error ? error.message : JSON.stringify(error);
}

import { Injectable } from '@nestjs/common';
import { CrmEntityGateway } from '../bitrix24/crm-entity.gateway.js';
import type { CrmRecord } from '../bitrix24/crm-entity.types.js';
import { isBlankKeyPart } from '../erp/erp-key.js';
import { ErpReadError, ErpReadErrorCode } from '../erp/erp-read.error.js';
import type { ErpRowReader } from '../erp/erp-row.reader.js';
import type { ErpRow } from '../erp/erp-row.js';
import { unstorableTextReason } from '../erp/storable-text.js';
import { InjectErpReader } from '../erp/erp.module.js';
import { DealLinkRepository } from '../persistence/deal-link.repository.js';
import type { DealLink } from '../persistence/entities/deal-link.entity.js';
import { OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import { SyncOperationRepository } from '../persistence/sync-operation.repository.js';
import { SyncRunRepository } from '../persistence/sync-run.repository.js';
import type { PlanOutcome } from './change.planner.js';
import { changeEntries } from './change-entries.js';
import { ChangeKind, type DealChange, type DealLinkState } from './plan/deal-change.js';
import { diffRow } from './plan/deal-diff.js';
import { liveValues } from './mapping/live-values.js';
import { RowRelations } from './row-relations.js';
import {
  checkDeleteGuard,
  NO_ORPHANS,
  planDeleteChanges,
  tallyOrphans,
  type DeleteGuardTrip,
  type OrphanTally,
  type UnseenLink,
} from './plan/delete-plan.js';
import { runPrefix, type RunContext } from './run-context.js';

const PAGE = 200;

/** Where the walk over the portal's deals stands: the last deal id compared, and the orphans found so far. */
interface WalkState {
  walked: number;
  orphans: OrphanTally;
}

/**
 * Reconcile mode (DESIGN §4): walks our deals in Bitrix24 and compares them with the ERP and the links:
 * deals edited by hand are re-pushed (drift), deals missing in Bitrix24 are recreated, and orphans (our
 * deals whose ERP row is gone) go through the delete policy and its guard. Memory stays one page deep:
 * the portal is walked in ID order, and each page's ID range is checked against the links in SQL.
 */
@Injectable()
export class ReconcilePlanner {
  constructor(
    @InjectErpReader() private readonly reader: ErpRowReader | null,
    private readonly gateway: CrmEntityGateway,
    private readonly links: DealLinkRepository,
    private readonly operations: SyncOperationRepository,
    private readonly runs: SyncRunRepository,
    private readonly related: RowRelations,
  ) {}

  async plan(context: RunContext): Promise<PlanOutcome> {
    const state: WalkState = { walked: 0, orphans: NO_ORPHANS };
    let page: CrmRecord[] = [];
    const gateway = this.gateway.forEntity(context.compiled.entity);
    for await (const deal of gateway.iterateRecords(context.mapping.target.originatorId)) {
      page.push(deal);
      if (page.length === PAGE) {
        if (await this.reconcilePage(context, page, state, false)) {
          return stoppedOutcome();
        }
        page = [];
      }
    }
    if (await this.reconcilePage(context, page, state, true)) {
      return stoppedOutcome();
    }
    const guard = await this.removeOrphans(context, state.orphans);
    return { cursorFrom: null, cursorTo: null, guard, stopped: false };
  }

  /**
   * One page of portal deals (ascending IDs): diffs them, then recreates the links whose deal falls in the
   * page's ID range (to the end, after the last page) without being in it. True when the run must stop.
   */
  private async reconcilePage(
    context: RunContext,
    deals: readonly CrmRecord[],
    state: WalkState,
    last: boolean,
  ): Promise<boolean> {
    context.lease.assertHeld();
    state.orphans = tallyOrphans(
      state.orphans,
      await this.comparePage(context, deals),
      context.mapping.delete,
    );
    const upTo = last ? null : Number(deals[deals.length - 1].ID);
    const present = deals.map((deal) => Number(deal.ID));
    const stopped = await this.recreateMissing(context, { after: state.walked, upTo, present });
    state.walked = upTo ?? state.walked;
    return stopped || (await this.stopRequested(context));
  }

  /** Shutdown or an operator's cancel: the run stops after the current page. */
  private async stopRequested(context: RunContext): Promise<boolean> {
    return context.control.shouldStop() || (await this.runs.isCancelRequested(context.run.id));
  }

  /** Diffs a page of live deals against their ERP rows; returns the deals whose ERP row is gone. */
  private async comparePage(context: RunContext, deals: readonly CrmRecord[]): Promise<UnseenLink[]> {
    if (deals.length === 0) {
      return [];
    }
    const links = await this.links.findByDealIds(
      context.mapping.name,
      deals.map((deal) => Number(deal.ID)),
    );
    const keyOf = (deal: CrmRecord) => links.get(Number(deal.ID))?.erpKey ?? originKey(deal);
    const rows = await this.readRows(
      context,
      deals.map(keyOf).filter((key) => key !== ''),
    );
    const related = await this.related.resolve(context, [...rows.values()]);
    const changes: DealChange[] = [];
    const orphans: UnseenLink[] = [];
    for (const deal of deals) {
      const row = rows.get(keyOf(deal));
      const link = links.get(Number(deal.ID)) ?? null;
      if (!row) {
        if (isClosedOrphan(context, deal)) {
          continue;
        }
        orphans.push({
          erpKey: keyOf(deal) || `deal ${deal.ID}`,
          dealId: Number(deal.ID),
          removed: false,
          payload: null,
        });
      } else if (!link) {
        if (!context.run.dryRun) {
          await this.links.adopt(context.mapping.name, row.erpKey, Number(deal.ID), new Date());
        }
        changes.push(
          diffRow(
            context.compiled,
            { row, link: adoptedState(Number(deal.ID)), live: liveValues(context.compiled, deal) },
            new Date(),
            related,
          ),
        );
      } else if (!link.removed) {
        changes.push(
          diffRow(
            context.compiled,
            { row, link, live: liveValues(context.compiled, deal) },
            new Date(),
            related,
          ),
        );
      }
    }
    await this.enqueue(context, [...rows.values()], changes, links);
    return orphans;
  }

  /**
   * Links whose deal id lies in (after, upTo] but is not among the page's deals: the deal was deleted in
   * Bitrix24, so it is created again. True when the run must stop.
   */
  private async recreateMissing(
    context: RunContext,
    range: { after: number; upTo: number | null; present: readonly number[] },
  ): Promise<boolean> {
    let after = range.after;
    for (;;) {
      const missing = await this.links.findLiveMissing(context.mapping.name, { ...range, after }, PAGE);
      if (missing.length === 0) {
        return false;
      }
      after = missing[missing.length - 1].dealId as number;
      const rows = await this.readRows(
        context,
        missing.map((link) => link.erpKey),
      );
      const related = await this.related.resolve(context, [...rows.values()]);
      const changes = missing
        .filter((link) => rows.has(link.erpKey))
        .map((link) =>
          diffRow(
            context.compiled,
            { row: rows.get(link.erpKey) as ErpRow, link, live: null },
            new Date(),
            related,
          ),
        );
      if (changes.length > 0) {
        context.logger.warn(
          `${runPrefix(context.run)} ${changes.length} deal(s) missing in Bitrix24: recreating`,
        );
      }
      await this.enqueue(context, [...rows.values()], changes, new Map());
      if (missing.length === PAGE && (await this.stopRequested(context))) {
        return true;
      }
    }
  }

  private async removeOrphans(context: RunContext, orphans: OrphanTally): Promise<DeleteGuardTrip | null> {
    if (orphans.count > 0) {
      context.logger.warn(`${runPrefix(context.run)} ${orphans.count} deal(s) in Bitrix24 have no ERP row`);
    }
    const guard = checkDeleteGuard(
      orphans.count,
      context.mapping.delete,
      context.mappingIndex,
      context.compiled.entity,
    );
    if (guard) {
      return guard;
    }
    await this.enqueue(context, [], planDeleteChanges(orphans.kept, context.mapping.delete), new Map());
    return null;
  }

  private async enqueue(
    context: RunContext,
    rows: readonly ErpRow[],
    changes: readonly DealChange[],
    links: ReadonlyMap<number, DealLink>,
  ): Promise<void> {
    const byKey = new Map([...links.values()].map((link) => [link.erpKey, link]));
    const entries = changeEntries(context.run, rows, changes, byKey, []);
    const drifted = changes.filter(
      (change) => change.kind === ChangeKind.Update && change.reason === 'drift',
    );
    if (drifted.length > 0) {
      context.logger.warn(
        `${runPrefix(context.run)} ${drifted.length} deal(s) edited in Bitrix24: re-pushing ERP values`,
      );
    }
    if (!context.run.dryRun) {
      await this.links.refresh(context.mapping.name, entries.refreshes, new Date());
    }
    const status = context.run.dryRun ? OperationStatus.Planned : OperationStatus.Pending;
    context.tally.add('planned', await this.operations.enqueue(entries.operations, status));
    context.tally.add('unchanged', entries.unchanged);
    context.tally.add('rowsRead', rows.length);
    await this.runs.saveProgress(context.run.id, context.tally.snapshot());
  }

  /**
   * Keys here come from deals' ORIGIN_IDs, which anyone can type in Bitrix24: a value the key column cannot
   * hold (`abc` for an integer id) fails the whole read, so that read is repeated key by key, and a key the
   * database refuses as a value has no ERP row (its deal is an orphan).
   */
  private async readRows(context: RunContext, erpKeys: readonly string[]): Promise<Map<string, ErpRow>> {
    try {
      return await this.readKeyRows(context, erpKeys);
    } catch (error) {
      if (!isInvalidKeyValue(error)) {
        throw error;
      }
    }
    const rows = new Map<string, ErpRow>();
    for (const erpKey of erpKeys.length > 1 ? erpKeys : []) {
      for (const [key, row] of await this.readRows(context, [erpKey])) {
        rows.set(key, row);
      }
    }
    return rows;
  }

  private async readKeyRows(context: RunContext, erpKeys: readonly string[]): Promise<Map<string, ErpRow>> {
    const rows = new Map<string, ErpRow>();
    if (!this.reader || erpKeys.length === 0) {
      return rows;
    }
    const source = { name: context.mapping.name, source: context.mapping.source };
    for await (const page of this.reader.readKeys(source, erpKeys)) {
      for (const row of page.rows) {
        rows.set(row.erpKey, row);
      }
    }
    return rows;
  }
}

const stoppedOutcome = (): PlanOutcome => ({ cursorFrom: null, cursorTo: null, guard: null, stopped: true });

/**
 * The ERP key a deal of ours claims, or "" when its ORIGIN_ID cannot be one: typed by hand, it may be
 * blank or hold text the state database cannot store (the deal is then an orphan named by its ID).
 */
function originKey(deal: CrmRecord): string {
  const origin = deal.ORIGIN_ID;
  return typeof origin === 'string' && !isBlankKeyPart(origin) && unstorableTextReason(origin) === undefined
    ? origin
    : '';
}

/** SQLSTATE class 22 (data exception): e.g. 22P02, `invalid input syntax for type integer`. */
function isInvalidKeyValue(error: unknown): boolean {
  return (
    error instanceof ErpReadError &&
    error.code === ErpReadErrorCode.QueryFailed &&
    (error.databaseCode?.startsWith('22') ?? false)
  );
}

/**
 * An orphan the `close` policy already moved to its stage: closing it again would write on every reconcile
 * run and count against `maxPerRun` until the guard trips for good.
 */
function isClosedOrphan(context: RunContext, deal: CrmRecord): boolean {
  const policy = context.mapping.delete;
  return policy.policy === 'close' && deal.STAGE_ID === policy.stage;
}

/** A deal of ours found in Bitrix24 without a link (lost state): linked now, diffed against its live values. */
function adoptedState(dealId: number): DealLinkState {
  return {
    dealId,
    payload: null,
    payloadHash: null,
    removed: false,
    failedAttempts: 0,
    retryAt: null,
    parked: false,
    lastError: null,
  };
}

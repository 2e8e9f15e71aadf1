import { Injectable } from '@nestjs/common';
import { CrmDealGateway } from '../bitrix24/crm-deal.gateway.js';
import type { CrmDeal } from '../bitrix24/crm-deal.types.js';
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
import {
  checkDeleteGuard,
  planDeleteChanges,
  type DeleteGuardTrip,
  type UnseenLink,
} from './plan/delete-plan.js';
import { runPrefix, type RunContext } from './run-context.js';

const PAGE = 200;

/**
 * Reconcile mode (DESIGN §4): walks our deals in Bitrix24 and compares them with the ERP and the links:
 * deals edited by hand are re-pushed (drift), deals missing in Bitrix24 are recreated, and orphans (our
 * deals whose ERP row is gone) go through the delete policy and its guard.
 */
@Injectable()
export class ReconcilePlanner {
  constructor(
    @InjectErpReader() private readonly reader: ErpRowReader | null,
    private readonly gateway: CrmDealGateway,
    private readonly links: DealLinkRepository,
    private readonly operations: SyncOperationRepository,
    private readonly runs: SyncRunRepository,
  ) {}

  async plan(context: RunContext): Promise<PlanOutcome> {
    const seen = new Set<number>();
    const orphans: UnseenLink[] = [];
    let page: CrmDeal[] = [];
    for await (const deal of this.gateway.iterateDeals(context.mapping.target.originatorId)) {
      seen.add(Number(deal.ID));
      page.push(deal);
      if (page.length === PAGE) {
        orphans.push(...(await this.comparePage(context, page)));
        page = [];
      }
    }
    orphans.push(...(await this.comparePage(context, page)));
    await this.recreateMissing(context, seen);
    const guard = await this.removeOrphans(context, orphans);
    return { cursorFrom: null, cursorTo: null, guard, stopped: false };
  }

  /** Diffs a page of live deals against their ERP rows; returns the deals whose ERP row is gone. */
  private async comparePage(context: RunContext, deals: readonly CrmDeal[]): Promise<UnseenLink[]> {
    if (deals.length === 0) {
      return [];
    }
    const links = await this.links.findByDealIds(
      context.mapping.name,
      deals.map((deal) => Number(deal.ID)),
    );
    const keyOf = (deal: CrmDeal) => links.get(Number(deal.ID))?.erpKey ?? originKey(deal);
    const rows = await this.readRows(
      context,
      deals.map(keyOf).filter((key) => key !== ''),
    );
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
          diffRow(context.compiled, { row, link: adoptedState(Number(deal.ID)), live: deal }, new Date()),
        );
      } else if (!link.removed) {
        changes.push(diffRow(context.compiled, { row, link, live: deal }, new Date()));
      }
    }
    await this.enqueue(context, [...rows.values()], changes, links);
    return orphans;
  }

  /** Links whose deal the walk did not meet: the deal was deleted in Bitrix24, so it is created again. */
  private async recreateMissing(context: RunContext, seen: ReadonlySet<number>): Promise<void> {
    let after = 0;
    for (;;) {
      const links = await this.links.findLiveAfterDeal(context.mapping.name, after, PAGE);
      if (links.length === 0) {
        return;
      }
      after = links[links.length - 1].dealId as number;
      const missing = links.filter((link) => !seen.has(link.dealId as number));
      const rows = await this.readRows(
        context,
        missing.map((link) => link.erpKey),
      );
      const changes = missing
        .filter((link) => rows.has(link.erpKey))
        .map((link) =>
          diffRow(context.compiled, { row: rows.get(link.erpKey) as ErpRow, link, live: null }, new Date()),
        );
      if (changes.length > 0) {
        context.logger.warn(
          `${runPrefix(context.run)} ${changes.length} deal(s) missing in Bitrix24: recreating`,
        );
      }
      await this.enqueue(context, [...rows.values()], changes, new Map());
    }
  }

  private async removeOrphans(
    context: RunContext,
    orphans: readonly UnseenLink[],
  ): Promise<DeleteGuardTrip | null> {
    if (orphans.length > 0) {
      context.logger.warn(`${runPrefix(context.run)} ${orphans.length} deal(s) in Bitrix24 have no ERP row`);
    }
    const guard = checkDeleteGuard(orphans.length, context.mapping.delete, context.mappingIndex);
    if (guard) {
      return guard;
    }
    await this.enqueue(context, [], planDeleteChanges(orphans, context.mapping.delete), new Map());
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

/**
 * The ERP key a deal of ours claims, or "" when its ORIGIN_ID cannot be one: typed by hand, it may be
 * blank or hold text the state database cannot store (the deal is then an orphan named by its ID).
 */
function originKey(deal: CrmDeal): string {
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
function isClosedOrphan(context: RunContext, deal: CrmDeal): boolean {
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

import { Injectable } from '@nestjs/common';
import type { ErpPage, ErpRowReader } from '../erp/erp-row.reader.js';
import type { ErpRow } from '../erp/erp-row.js';
import { InjectErpReader } from '../erp/erp.module.js';
import { DealLinkRepository } from '../persistence/deal-link.repository.js';
import { OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import { RunMode, type CursorPosition } from '../persistence/entities/sync-run.entity.js';
import { SyncCursorRepository } from '../persistence/sync-cursor.repository.js';
import { SyncOperationRepository, type NewOperation } from '../persistence/sync-operation.repository.js';
import { SyncOutcomeRepository } from '../persistence/sync-outcome.repository.js';
import { SyncRunRepository } from '../persistence/sync-run.repository.js';
import { changeEntries } from './change-entries.js';
import { chunkPages } from './page-chunks.js';
import { retryPolicyOf } from './outbox.applier.js';
import { RowRelations } from './row-relations.js';
import { checkDeleteGuard, planDeleteChanges, type DeleteGuardTrip } from './plan/delete-plan.js';
import { diffDeals, prepareRow, type PreparedRow } from './plan/deal-diff.js';
import { runPrefix, type RunContext } from './run-context.js';

export interface PlanOutcome {
  readonly cursorFrom: CursorPosition | null;
  /** The last position read in (cursor, key) order; where the next incremental run starts. */
  readonly cursorTo: CursorPosition | null;
  readonly guard: DeleteGuardTrip | null;
  readonly stopped: boolean;
}

const UNSEEN_PAGE = 500;
/**
 * ERP rows diffed per round of state statements (links, outbox, failures, sweep keys). Pages stay the ERP's
 * unit; planning in bigger chunks makes a sweep of 10^6 rows a few hundred statements, not a few thousand.
 */
const CHUNK_ROWS = 5_000;
/** A run's progress is saved, and a cancel request looked for, at most this often. */
const PROGRESS_EVERY_MS = 1_000;
const RETRY_KEYS_PER_RUN = 10_000;

/** Reads the ERP, diffs each page against the links and writes the plan to the outbox (DESIGN §1, §4). */
@Injectable()
export class ChangePlanner {
  constructor(
    @InjectErpReader() private readonly reader: ErpRowReader | null,
    private readonly links: DealLinkRepository,
    private readonly operations: SyncOperationRepository,
    private readonly outcomes: SyncOutcomeRepository,
    private readonly cursors: SyncCursorRepository,
    private readonly runs: SyncRunRepository,
    private readonly related: RowRelations,
  ) {}

  /** Whether this run walks every key (and so may find deletes): full mode, or a source without a cursor. */
  static sweeps(context: RunContext): boolean {
    return (
      context.run.erpKeys === null && (context.run.mode === RunMode.Full || !context.mapping.source.cursor)
    );
  }

  async plan(context: RunContext): Promise<PlanOutcome> {
    const reader = this.readerOrThrow();
    const source = { name: context.mapping.name, source: context.mapping.source };
    if (context.run.erpKeys !== null) {
      const stopped = await this.consume(context, reader.readKeys(source, context.run.erpKeys));
      return { cursorFrom: null, cursorTo: null, guard: null, stopped };
    }
    if (ChangePlanner.sweeps(context)) {
      return this.sweep(context, reader.readAll(source));
    }
    const cursorFrom = await this.cursors.get(context.mapping.name);
    const retryKeys = await this.links.keysDueForRetry(context.mapping.name, new Date(), RETRY_KEYS_PER_RUN);
    let stopped = await this.consume(context, reader.readKeys(source, retryKeys));
    const state = { cursorTo: cursorFrom };
    const skip = new Set(retryKeys);
    if (!stopped) {
      stopped = await this.consume(context, reader.readChanges(source, cursorFrom), {
        skip,
        seen: skip,
        state,
      });
    }
    if (!stopped && cursorFrom?.value != null) {
      stopped = await this.consumeChangedLines(context, reader, cursorFrom.value, skip);
    }
    return { cursorFrom, cursorTo: state.cursorTo, guard: null, stopped };
  }

  /** A full sweep: every row is planned; when deletes matter, the keys read are recorded to find the ones gone. */
  private async sweep(context: RunContext, pages: AsyncIterable<ErpPage>): Promise<PlanOutcome> {
    const markSeen = context.mapping.delete.policy !== 'ignore';
    try {
      const stopped = await this.consume(context, pages, { markSeen });
      const guard = stopped ? null : await this.planDeletes(context);
      return { cursorFrom: null, cursorTo: null, guard, stopped };
    } finally {
      if (markSeen) {
        await this.links.forgetSweep(context.run.id);
      }
    }
  }

  /**
   * With `productRows.cursor`: deals whose lines changed since the window started, though their own row did not
   * (a line edited without touching its order), are read by key and planned like any changed row.
   */
  private async consumeChangedLines(
    context: RunContext,
    reader: ErpRowReader,
    since: string,
    skip: Set<string>,
  ): Promise<boolean> {
    const lines = context.compiled.productRows;
    if (lines?.cursor === undefined) {
      return false;
    }
    const label = `mapping "${context.mapping.name}" productRows`;
    const window = { value: since, lookbackMs: context.mapping.source.lookback };
    const child = { source: lines.source, parent: lines.parent, cursor: lines.cursor };
    const source = { name: context.mapping.name, source: context.mapping.source };
    for await (const parents of reader.readChangedParents(
      label,
      child,
      window,
      context.mapping.source.pageSize,
    )) {
      const keys = parents.filter((key) => !skip.has(key));
      if (
        keys.length > 0 &&
        (await this.consume(context, reader.readKeys(source, keys), { skip, seen: skip }))
      ) {
        return true;
      }
    }
    return false;
  }

  /**
   * Plans a walk chunk by chunk, one chunk behind: while a chunk's links are looked up and its plan written, the
   * next chunk is read, mapped and hashed. Its own links are read only once the previous chunk is settled, so
   * planning sees the state exactly as it would one chunk at a time.
   */
  private async consume(
    context: RunContext,
    pages: AsyncIterable<ErpPage>,
    options: {
      markSeen?: boolean;
      skip?: ReadonlySet<string>;
      /** Collects the keys planned, so a later read in the same run skips them. */
      seen?: Set<string>;
      state?: { cursorTo: CursorPosition | null };
    } = {},
  ): Promise<boolean> {
    let progressAt = performance.now();
    let settling: Promise<void> = Promise.resolve();
    try {
      for await (const page of chunkPages(pages, CHUNK_ROWS)) {
        context.lease.assertHeld();
        const rows = options.skip ? page.rows.filter((row) => !options.skip?.has(row.erpKey)) : page.rows;
        rows.forEach((row) => options.seen?.add(row.erpKey));
        const prepared = await this.prepareChunk(context, rows);
        await settling;
        settling = (async () => {
          await this.settleChunk(context, prepared, page, options.markSeen === true);
          if (options.state && page.position) {
            options.state.cursorTo = page.position;
          }
        })();
        // Awaited before the next chunk settles or the walk ends; a failure meanwhile is not left unhandled.
        settling.catch(() => undefined);
        if (context.control.shouldStop()) {
          await settling;
          return true;
        }
        if (performance.now() - progressAt >= PROGRESS_EVERY_MS) {
          progressAt = performance.now();
          await this.runs.saveProgress(context.run.id, context.tally.snapshot());
          if (await this.runs.isCancelRequested(context.run.id)) {
            await settling;
            return true;
          }
        }
      }
      await settling;
      return false;
    } finally {
      await settling.catch(() => undefined);
    }
  }

  /** A chunk's rows mapped and hashed: what can be done before its links are read. */
  private async prepareChunk(context: RunContext, rows: readonly ErpRow[]): Promise<PreparedRow[]> {
    const related = await this.related.resolve(context, rows);
    return rows.map((row) => prepareRow(context.compiled, row, related));
  }

  /** Diffs a prepared chunk against its links and writes what it needs: outbox, failures, refreshes, sweep keys. */
  private async settleChunk(
    context: RunContext,
    prepared: readonly PreparedRow[],
    page: ErpPage,
    markSeen: boolean,
  ): Promise<void> {
    const name = context.mapping.name;
    const rows = prepared.map((row) => row.row);
    const links = await this.links.findByKeys(
      name,
      rows.map((row) => row.erpKey),
      prepared.map((row) => (row.ok ? row.payloadHash : null)),
    );
    const changes = diffDeals(context.compiled, prepared, links, new Date());
    const entries = changeEntries(context.run, rows, changes, links, page.errors);
    const status = context.run.dryRun ? OperationStatus.Planned : OperationStatus.Pending;
    const queued = await this.operations.enqueue(outboxRows(context, entries.operations), status);
    const dryRun = context.run.dryRun;
    await this.outcomes.recordRowFailures(entries.failures, retryPolicyOf(context), new Date(), { dryRun });
    if (!dryRun) {
      await this.links.refresh(name, entries.refreshes, new Date());
    }
    if (markSeen) {
      await this.links.markSeen(seenKeys(page), context.run.id);
    }
    context.feed?.planned();
    context.tally.add('rowsRead', rows.length + page.errors.length);
    context.tally.add('planned', queued);
    context.tally.add('unchanged', entries.unchanged);
    context.tally.add('failed', entries.failures.length);
  }

  /** After a full sweep: links the sweep did not see are deletes, under the policy and its guard (invariant 7). */
  private async planDeletes(context: RunContext): Promise<DeleteGuardTrip | null> {
    const config = context.mapping.delete;
    if (config.policy === 'ignore') {
      return null;
    }
    const count = await this.links.countUnseen(context.mapping.name, context.run.id);
    const guard = checkDeleteGuard(count, config, context.mappingIndex, context.compiled.entity);
    if (guard !== null) {
      context.logger.warn(`${runPrefix(context.run)} ${guard.message}`);
      return guard;
    }
    let afterKey: string | null = null;
    for (;;) {
      const unseen = await this.links.findUnseen(context.mapping.name, context.run.id, afterKey, UNSEEN_PAGE);
      if (unseen.length === 0) {
        return null;
      }
      afterKey = unseen[unseen.length - 1].erpKey;
      const entries = changeEntries(context.run, [], planDeleteChanges(unseen, config), new Map(), []);
      const status = context.run.dryRun ? OperationStatus.Planned : OperationStatus.Pending;
      context.tally.add(
        'planned',
        await this.operations.enqueue(outboxRows(context, entries.operations), status),
      );
      context.feed?.planned();
    }
  }

  private readerOrThrow(): ErpRowReader {
    if (!this.reader) {
      throw new Error('ERP_DATABASE_URL is not set: there is no ERP database to read');
    }
    return this.reader;
  }
}

function seenKeys(page: ErpPage): string[] {
  const keys = page.rows.map((row) => row.erpKey);
  for (const error of page.errors) {
    if (error.erpKey !== null) {
      keys.push(error.erpKey);
    }
  }
  return keys;
}

/**
 * What the outbox stores. A dry run sends nothing, so it keeps what would change (old → new) and not the fields and
 * payload it would send: a `plan --full` over a first sync stores one copy of each row, not three.
 */
function outboxRows(context: RunContext, operations: readonly NewOperation[]): readonly NewOperation[] {
  if (!context.run.dryRun) {
    return operations;
  }
  return operations.map((operation) => ({ ...operation, fields: {}, payload: null, payloadHash: null }));
}

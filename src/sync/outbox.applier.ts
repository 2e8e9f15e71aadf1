import { Injectable, Optional } from '@nestjs/common';
import { Bitrix24Error, RecordErrorReason } from '../bitrix24/bitrix24.error.js';
import { CrmEntityGateway } from '../bitrix24/crm-entity.gateway.js';
import { createViaOf } from '../config/create-via.js';
import type { CrmRecord, CrmFields, DealWriteOutcome } from '../bitrix24/crm-entity.types.js';
import type { MultiFieldTypes } from '../bitrix24/multi-field-items.js';
import { storableText } from '../erp/storable-text.js';
import { SyncMetrics } from '../metrics/sync.metrics.js';
import { DealLinkRepository } from '../persistence/deal-link.repository.js';
import {
  OperationAction,
  OperationStatus,
  type SyncOperation,
} from '../persistence/entities/sync-operation.entity.js';
import { SyncOperationRepository } from '../persistence/sync-operation.repository.js';
import { SyncOutcomeRepository, type OperationOutcome } from '../persistence/sync-outcome.repository.js';
import { SyncRunRepository } from '../persistence/sync-run.repository.js';
import { adoptionFor, type Adoption } from './deal-adoption.js';
import { sameFieldValue } from './mapping/field-value.js';
import { liveValues } from './mapping/live-values.js';
import { PRODUCT_ROWS } from './mapping/product-rows.js';
import { rowsOf, rowsPending, withoutRows } from './product-row-writes.js';
import { runPrefix, type RunContext } from './run-context.js';
import { RunLeaseLost } from './run-lease.js';

/** Operations claimed and sent together; the client packs them into batches of 50 under the rate limit. */
const CHUNK = 500;
/** Passes over the outbox per run: unknown outcomes get resolved and re-sent in the next pass. */
const MAX_PASSES = 4;

export const UNKNOWN_OUTCOME = 'UNKNOWN_OUTCOME';
export const NOT_SENT = 'NOT_SENT';

export interface ApplyResult {
  /** Operations still open (unknown outcome after every pass, or stopped early): the next run resumes them. */
  readonly open: number;
  readonly stopped: boolean;
}

interface Sent {
  readonly operation: SyncOperation;
  readonly outcome: DealWriteOutcome;
}

/** Sends the outbox to Bitrix24 and confirms each answer (DESIGN §1, invariants 1, 2 and 4). */
@Injectable()
export class OutboxApplier {
  constructor(
    private readonly operations: SyncOperationRepository,
    private readonly outcomes: SyncOutcomeRepository,
    private readonly links: DealLinkRepository,
    private readonly runs: SyncRunRepository,
    private readonly gateway: CrmEntityGateway,
    @Optional() private readonly metrics?: SyncMetrics,
  ) {}

  /** Sends every open operation; with a feed (a pipelined run), also those planned meanwhile, until planning ends. */
  async applyOpen(context: RunContext): Promise<ApplyResult> {
    const mapping = context.mapping.name;
    let adoptable: Promise<boolean> | undefined;
    const mayHoldOurDeals = () => (adoptable ??= this.mayHoldOurDeals(context));
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let afterId: string | null = null;
      for (;;) {
        context.lease.assertHeld();
        if (await this.mustStop(context)) {
          return { open: await this.operations.countOpen(mapping), stopped: true };
        }
        const planned = context.feed?.version ?? 0;
        const chunk = await this.operations.findOpen(mapping, afterId, CHUNK);
        if (chunk.length === 0) {
          if (context.feed && !context.feed.closed) {
            await context.feed.changedSince(planned);
            continue;
          }
          break;
        }
        afterId = chunk[chunk.length - 1].id;
        await this.applyChunk(context, chunk, mayHoldOurDeals);
        await this.runs.saveProgress(context.run.id, context.tally.snapshot());
      }
      const open = await this.operations.countOpen(mapping);
      if (open === 0) {
        return { open, stopped: false };
      }
      context.logger.warn(
        `${runPrefix(context.run)} ${open} operation(s) with an unknown outcome: resolving`,
      );
    }
    return { open: await this.operations.countOpen(mapping), stopped: false };
  }

  private async applyChunk(
    context: RunContext,
    open: readonly SyncOperation[],
    mayHoldOurDeals: () => Promise<boolean>,
  ): Promise<void> {
    const chunk = await this.claim(context, open);
    const creates = chunk.filter((operation) => operation.action === OperationAction.Create);
    const adoptions = await this.resolveEarlierCreates(context, creates, mayHoldOurDeals);
    const confirmed: OperationOutcome[] = [];
    const toSend: SyncOperation[] = [];
    for (const operation of chunk) {
      const adoption = adoptions.get(operation.id);
      if (!adoption) {
        toSend.push(operation);
      } else if (operation.attempt > 0) {
        // Our own create whose answer was lost: the deal holds exactly what we sent.
        confirmed.push({ kind: 'succeeded', operation, dealId: adoption.dealId });
      } else {
        // A deal from before this state database (lost state): its ERP-owned fields are corrected where stale.
        const stale = staleOwnedFields(context, operation, adoption.deal);
        if (Object.keys(stale).length === 0) {
          confirmed.push({ kind: 'succeeded', operation, dealId: adoption.dealId });
        } else {
          toSend.push(await this.operations.turnIntoUpdate(operation, adoption.dealId, stale));
        }
      }
    }
    await this.operations.markSent(ids(toSend), context.run.id, new Date());
    const sent = await this.send(context, toSend);
    await this.confirm(context, confirmed, sent);
  }

  /**
   * Deals of ours may exist without a link only before the first confirmed deal (a first sync, or a lost state
   * database); even then one request proves the portal holds none, and spares a lookup per create.
   */
  private async mayHoldOurDeals(context: RunContext): Promise<boolean> {
    return (
      !(await this.links.hasConfirmedDeals(context.mapping.name)) &&
      (await this.gatewayOf(context).hasRecords(context.mapping.target.originatorId))
    );
  }

  /** Takes the operations by compare-and-set; one held by another live run is left alone (invariant 6). */
  private async claim(context: RunContext, open: readonly SyncOperation[]): Promise<SyncOperation[]> {
    const claimed = await this.operations.claim(ids(open), context.run.id, new Date());
    if (claimed.size < open.length) {
      context.logger.warn(
        `${runPrefix(context.run)} ${open.length - claimed.size} operation(s) are held by another live run: left to it`,
      );
    }
    return open.filter((operation) => claimed.has(operation.id));
  }

  /**
   * A create that may already have reached Bitrix24 (sent before with no answer, or a first sync into a portal that
   * holds our deals from a lost state database) is looked up by ORIGINATOR_ID + ORIGIN_ID and adopted when found,
   * never created twice (invariant 1).
   */
  private async resolveEarlierCreates(
    context: RunContext,
    creates: readonly SyncOperation[],
    mayHoldOurDeals: () => Promise<boolean>,
  ): Promise<Map<string, Adoption>> {
    const adopting = creates.some((operation) => operation.attempt === 0) && (await mayHoldOurDeals());
    const uncertain = creates.filter((operation) => adopting || operation.attempt > 0);
    if (uncertain.length === 0) {
      return new Map();
    }
    const gateway = this.gatewayOf(context);
    const found = await gateway.findByOrigin(
      context.mapping.target.originatorId,
      uncertain.map((operation) => operation.erpKey),
      adopting ? gateway.allFields : ['ID'],
    );
    const adoptions = new Map<string, Adoption>();
    for (const operation of uncertain) {
      const adoption = adoptionFor(operation, found.get(operation.erpKey) ?? []);
      if (adoption) {
        adoptions.set(operation.id, adoption);
        if (adoption.duplicates.length > 0) {
          context.logger.warn(
            `${runPrefix(context.run)} key ${operation.erpKey} has several deals (${[adoption.dealId, ...adoption.duplicates].join(', ')}); linked to ${adoption.dealId}`,
          );
        }
      }
    }
    if (adoptions.size > 0) {
      context.logger.log(
        `${runPrefix(context.run)} adopted ${adoptions.size} ${context.compiled.entity}(s) already in Bitrix24`,
      );
    }
    return adoptions;
  }

  private async send(context: RunContext, operations: readonly SyncOperation[]): Promise<Sent[]> {
    const of = (action: OperationAction) => operations.filter((operation) => operation.action === action);
    const creates = of(OperationAction.Create);
    // The `close` delete policy is a stage update; its link is still marked removed on success.
    const isClose = (operation: SyncOperation) => Object.keys(operation.fields).length > 0;
    const updates = [...of(OperationAction.Update), ...of(OperationAction.Delete).filter(isClose)];
    const deletes = of(OperationAction.Delete).filter((operation) => !isClose(operation));
    // Checked as each batch leaves, after its wait in the rate-limit queue: a run that lost its lease sends nothing.
    const write = { beforeSend: () => context.lease.assertHeld(), multiFields: multiFieldsOf(context) };
    const gateway = this.gatewayOf(context);
    const [created, updated, deleted] = await Promise.all([
      gateway.createMany(
        creates.map((operation) => withoutRows(this.createFields(context, operation))),
        {
          ...write,
          productRows: creates.map((operation) => rowsOf(operation.fields)),
          createVia: createViaOf(context.mapping.target),
        },
      ),
      gateway.updateMany(
        updates.map((operation) => ({
          dealId: operation.dealId as number,
          fields: withoutRows(operation.fields as CrmFields),
        })),
        { ...write, productRows: updates.map((operation) => rowsOf(operation.fields)) },
      ),
      gateway.deleteMany(
        deletes.map((operation) => operation.dealId as number),
        write,
      ),
    ]);
    const pair = (list: readonly SyncOperation[], outcomes: readonly DealWriteOutcome[]) =>
      list.map((operation, index) => ({ operation, outcome: outcomes[index] }));
    return [...pair(creates, created), ...pair(updates, updated), ...pair(deletes, deleted)];
  }

  /** Every record we create carries who owns it and which ERP row it is (invariant 1); a deal its funnel. */
  private createFields(context: RunContext, operation: SyncOperation): CrmFields {
    const identity = {
      ORIGINATOR_ID: context.mapping.target.originatorId,
      ORIGIN_ID: operation.erpKey,
    };
    return context.compiled.entity === 'deal'
      ? { ...(operation.fields as CrmFields), ...identity, CATEGORY_ID: context.mapping.target.categoryId }
      : { ...(operation.fields as CrmFields), ...identity };
  }

  private gatewayOf(context: RunContext): CrmEntityGateway {
    return this.gateway.forEntity(context.compiled.entity);
  }

  private async confirm(
    context: RunContext,
    adopted: OperationOutcome[],
    sent: readonly Sent[],
  ): Promise<void> {
    const outcomes = [...adopted];
    const unknown: SyncOperation[] = [];
    const notSent: SyncOperation[] = [];
    let stopper: Bitrix24Error | undefined;
    for (const { operation, outcome } of sent) {
      // Only the record's own data fails a row; a limit, authorization or an outage stops or waits (invariant 9).
      if (outcome.status !== 'ok' && outcome.error.stopsRuns) {
        stopper ??= outcome.error;
      }
      if (outcome.status === 'ok' && outcome.rowsRefused !== undefined) {
        outcomes.push({ kind: 'succeeded', operation: rowsPending(operation), dealId: outcome.dealId });
        context.logger.warn(
          `${runPrefix(context.run)} deal ${outcome.dealId} (key ${operation.erpKey}) was created, its product rows were not: ` +
            `${outcome.rowsRefused.message}; the next run sends them again`,
        );
      } else if (outcome.status === 'ok') {
        outcomes.push({ kind: 'succeeded', operation, dealId: outcome.dealId });
      } else if (outcome.status === 'unknown') {
        unknown.push(operation);
      } else if (isAlreadyDeleted(operation, outcome.error)) {
        outcomes.push({ kind: 'succeeded', operation, dealId: operation.dealId as number });
      } else if (!outcome.error.failsRow) {
        notSent.push(operation);
      } else {
        outcomes.push({
          kind: 'failed',
          operation,
          code: storableText(outcome.error.code),
          message: describeFailure(context, operation, outcome.error),
        });
      }
    }
    const now = new Date();
    const fence = { runId: context.run.id, owner: context.lease.owner };
    if (!(await this.outcomes.record(outcomes, fence, retryPolicyOf(context), now))) {
      throw new RunLeaseLost(context.run.id, 'found expired when confirming');
    }
    const runId = context.run.id;
    await this.operations.release(
      ids(unknown),
      runId,
      UNKNOWN_OUTCOME,
      'no answer from Bitrix24: resolved before resending',
      now,
    );
    await this.operations.release(
      ids(notSent),
      runId,
      NOT_SENT,
      `not sent: ${stopper?.message ?? 'Bitrix24 limit or no answer'}`,
      now,
    );
    this.count(context, outcomes);
    if (stopper) {
      throw stopper;
    }
  }

  private count(context: RunContext, outcomes: readonly OperationOutcome[]): void {
    for (const outcome of outcomes) {
      this.metrics?.operationFinished(
        outcome.operation.action,
        outcome.kind === 'failed' ? OperationStatus.Failed : OperationStatus.Succeeded,
      );
      // Counted as run-tally.ts defines them (one definition for the engine, the API, the CLI and the page).
      if (outcome.kind === 'failed') {
        context.tally.add('failed');
      } else {
        context.tally.add('applied');
        context.tally.add(COUNTER[outcome.operation.action]);
      }
    }
  }

  private async mustStop(context: RunContext): Promise<boolean> {
    return context.control.shouldStop() || (await this.runs.isCancelRequested(context.run.id));
  }
}

const COUNTER = {
  [OperationAction.Create]: 'created',
  [OperationAction.Update]: 'updated',
  [OperationAction.Delete]: 'deleted',
} as const;

const ids = (operations: readonly SyncOperation[]) => operations.map((operation) => operation.id);

/** ERP-owned fields of a planned create whose value differs from what the adopted deal holds. */
function staleOwnedFields(
  context: RunContext,
  operation: SyncOperation,
  deal: CrmRecord,
): Record<string, unknown> {
  const live = liveValues(context.compiled, deal);
  const stale = context.compiled.fields
    .filter((field) => field.ownership === 'erp' && field.name in operation.fields)
    .filter((field) => !sameFieldValue(field.type, live[field.name], operation.fields[field.name]))
    .map((field): [string, unknown] => [field.name, operation.fields[field.name]]);
  // A deal's product rows are not read back: an adopted deal gets its set again (replace-all).
  if (PRODUCT_ROWS in operation.fields) {
    stale.push([PRODUCT_ROWS, operation.fields[PRODUCT_ROWS]]);
  }
  return Object.fromEntries(stale);
}

/** The mapping's multi-fields and the value type each owns. */
function multiFieldsOf(context: RunContext): MultiFieldTypes {
  return Object.fromEntries(
    context.compiled.fields.flatMap((field) =>
      field.valueType === undefined ? [] : [[field.name, field.valueType]],
    ),
  );
}

export const retryPolicyOf = (context: RunContext) => ({
  maxAttempts: context.mapping.retry.maxAttempts,
  backoffMs: context.mapping.retry.backoff,
});

function isAlreadyDeleted(operation: SyncOperation, error: Bitrix24Error): boolean {
  return operation.action === OperationAction.Delete && error.reason === RecordErrorReason.NotFound;
}

function describeFailure(context: RunContext, operation: SyncOperation, error: Bitrix24Error): string {
  if (operation.action === OperationAction.Update && error.reason === RecordErrorReason.NotFound) {
    return `${context.compiled.entity} ${operation.dealId} no longer exists in Bitrix24 (deleted by hand?); a reconcile run recreates it`;
  }
  // The portal's own text may hold what PostgreSQL cannot store (a NUL): it must not fail the confirm.
  return storableText(error.description || error.message);
}

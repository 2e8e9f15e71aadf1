import type { CreateMethod } from '../config/create-via.js';
import type { Bitrix24Client } from './bitrix24.client.js';
import { Bitrix24Error } from './bitrix24.error.js';
import { BATCH_MAX_COMMANDS, chunk } from './batch-command.js';
import type { BatchCommand, CommandOutcome } from './batch.executor.js';
import type { CrmFields, DealWriteOptions, DealWriteOutcome } from './crm-entity.types.js';
import { ITEM_CALL, toItemFields } from './crm-item-fields.js';
import {
  positiveId,
  ROWS_METHOD,
  rowsCommand,
  toWriteOutcome,
  unexpectedAnswer,
} from './crm-write-outcome.js';
import { classifyApiError } from './error-classification.js';
import { byMethod, capacityOf, IMPORT_ITEMS_PER_CALL, routeCreates } from './write-routing.js';

/** Seconds of import one `batch` request may carry: far from the portal's 60 s request cut-off. */
const IMPORT_SECONDS_PER_REQUEST = 30;
/** Import calls per request before their cost is known. */
const FIRST_IMPORTS_PER_REQUEST = 5;

/** A deal create with its product rows (undefined or empty: none sent). */
export interface DealDraft {
  readonly fields: CrmFields;
  readonly rows: readonly CrmFields[] | undefined;
}

/**
 * Creates deals over the allowed methods (target.createVia): each method's budget is read once for the
 * whole call, the creates routed (write-routing.ts), and every method's requests sent side by side.
 * `dealAddParams`: a `crm.deal.add`'s parameters for one draft (the universal methods build their own).
 */
export async function createDealsVia(
  client: Bitrix24Client,
  drafts: readonly DealDraft[],
  via: readonly CreateMethod[],
  options: DealWriteOptions,
  dealAddParams: (fields: CrmFields) => BatchCommand['params'],
): Promise<DealWriteOutcome[]> {
  if (drafts.length === 0) {
    return [];
  }
  const budgets = new Map((await client.scheduler.readBudgets(via)).map((budget) => [budget.method, budget]));
  const capacity = (method: CreateMethod) =>
    capacityOf(budgets.get(method), client.scheduler.operatingPolicy);
  const outcomes = new Array<DealWriteOutcome>(drafts.length);
  await Promise.all(
    [...byMethod(routeCreates(drafts.length, via, capacity))].map(async ([method, indexes]) => {
      const group = indexes.map((index) => drafts[index]);
      const results =
        method === 'crm.item.batchImport'
          ? await importDeals(client, group, options, capacity(method).callCostSeconds)
          : await addDeals(client, method, group, options, dealAddParams);
      indexes.forEach((index, k) => (outcomes[index] = results[k]));
    }),
  );
  return outcomes;
}

/**
 * One add per record (`crm.{entity}.add` with `addParams`, or for deals `crm.item.add` with camelCase fields), its product rows right after it in
 * the same request (`id=$result[cN]`, `$result[cN][item][id]`).
 */
export async function addDeals(
  client: Bitrix24Client,
  method: string,
  drafts: readonly DealDraft[],
  options: DealWriteOptions,
  addParams: (fields: CrmFields) => BatchCommand['params'],
): Promise<DealWriteOutcome[]> {
  const item = method === 'crm.item.add';
  const commands: BatchCommand[] = [];
  const slots = drafts.map(({ fields, rows }) => {
    const params = item ? { ...ITEM_CALL, fields: toItemFields(fields) } : addParams(fields);
    const add = commands.push({ method, params }) - 1;
    const set =
      rows === undefined || rows.length === 0
        ? undefined
        : commands.push(rowsCommand(rows, item ? ['item', 'id'] : [])) - 1;
    return { add, set };
  });
  const outcomes = await client.batch(commands, { beforeSend: options.beforeSend });
  const idOf = item ? itemId : positiveId;
  return slots.map(({ add, set }) => {
    const created = toWriteOutcome(outcomes[add], idOf, method);
    const rows = set === undefined ? undefined : outcomes[set];
    return created.status === 'ok' && rows !== undefined && rows.status !== 'ok'
      ? { ...created, rowsRefused: rows.error }
      : created;
  });
}

/**
 * `crm.item.batchImport`, 20 deals per call, as many calls per request as 30 s of the portal's time pays for.
 * Product rows cannot ride along (the ids are not addressable inside the import): they follow in requests of
 * their own once the import answered.
 */
async function importDeals(
  client: Bitrix24Client,
  drafts: readonly DealDraft[],
  options: DealWriteOptions,
  callCostSeconds: number | undefined,
): Promise<DealWriteOutcome[]> {
  const method = 'crm.item.batchImport';
  const groups = chunk(
    drafts.map((_, index) => index),
    IMPORT_ITEMS_PER_CALL,
  );
  const commands = groups.map((group) => ({
    method,
    params: { ...ITEM_CALL, data: group.map((index) => toItemFields(drafts[index].fields)) },
  }));
  const perRequest =
    callCostSeconds === undefined || callCostSeconds <= 0
      ? FIRST_IMPORTS_PER_REQUEST
      : Math.max(1, Math.min(BATCH_MAX_COMMANDS, Math.floor(IMPORT_SECONDS_PER_REQUEST / callCostSeconds)));
  const answers = await client.batch(commands, {
    beforeSend: options.beforeSend,
    commandsPerRequest: perRequest,
  });
  const outcomes = new Array<DealWriteOutcome>(drafts.length);
  groups.forEach((group, call) =>
    group.forEach((index, k) => (outcomes[index] = importedOutcome(client, answers[call], k))),
  );
  return withImportedRows(client, drafts, outcomes, options);
}

async function withImportedRows(
  client: Bitrix24Client,
  drafts: readonly DealDraft[],
  outcomes: DealWriteOutcome[],
  options: DealWriteOptions,
): Promise<DealWriteOutcome[]> {
  const pending = drafts.flatMap(({ rows }, index) => {
    const created = outcomes[index];
    return created.status === 'ok' && rows !== undefined && rows.length > 0
      ? [{ index, id: created.dealId, rows }]
      : [];
  });
  if (pending.length === 0) {
    return outcomes;
  }
  const sets = await client.batch(
    pending.map(({ id, rows }) => ({ method: ROWS_METHOD, params: { id, rows: [...rows] } })),
    { beforeSend: options.beforeSend },
  );
  pending.forEach(({ index }, k) => {
    const created = outcomes[index];
    const set = sets[k];
    if (created.status === 'ok' && set.status !== 'ok') {
      outcomes[index] = { ...created, rowsRefused: set.error };
    }
  });
  return outcomes;
}

/** One imported deal: its entry in the call's `items` (`{item: {id}}` or `{error, error_description}`). */
function importedOutcome(client: Bitrix24Client, call: CommandOutcome, k: number): DealWriteOutcome {
  const method = 'crm.item.batchImport';
  if (call.status !== 'ok') {
    return call;
  }
  const items = (call.result as { items?: unknown } | null)?.items;
  const entry = Array.isArray(items) ? (items[k] as Record<string, unknown> | undefined) : undefined;
  const id = itemId(entry);
  if (id !== undefined) {
    return { status: 'ok', dealId: id };
  }
  if (typeof entry?.error === 'string') {
    const description = typeof entry.error_description === 'string' ? entry.error_description : '';
    return {
      status: 'failed',
      error: new Bitrix24Error({
        ...classifyApiError(entry.error, undefined, description, client.authKind),
        code: entry.error,
        description: client.redactor.redact(description),
        method,
      }),
    };
  }
  return { status: 'unknown', error: unexpectedAnswer(method) };
}

/** `{item: {id}}`, as `crm.item.add` and each imported item answer. */
function itemId(result: unknown): number | undefined {
  const item = (result as { item?: { id?: unknown } } | null | undefined)?.item;
  return positiveId(item?.id);
}

import type { Bitrix24Client } from './bitrix24.client.js';
import { Bitrix24Error, Bitrix24ErrorClass } from './bitrix24.error.js';
import { BATCH_MAX_COMMANDS, encodeBatchCommand, type QueryObject } from './batch-command.js';
import { readBatchResult, type BatchEntry } from './batch-result.js';
import { classifyApiError, ClientErrorCode } from './error-classification.js';
import { isWriteMethod } from './retry-policy.js';

export interface BatchCommand {
  readonly method: string;
  readonly params?: QueryObject;
  /**
   * The command's `id` is the result of the command just before it (a deal's product rows after its
   * `crm.deal.add`): both travel in the same `batch` request, `id=$result[cN]` (bitrix24-api.md §4). A list
   * names the id's place inside that result: `['item', 'id']` after `crm.item.add` → `$result[cN][item][id]`.
   */
  readonly idFromPrevious?: boolean | readonly string[];
}

/**
 * What happened to one command. `failed`: certainly not applied (or a read that failed).
 * `unknown`: a write that may have been applied (its batch's answer was lost, or the command is
 * missing from it); resolve it by looking the record up, never by sending it again.
 */
export type CommandOutcome<T = unknown> =
  | {
      readonly status: 'ok';
      readonly result: T;
      readonly total: number | undefined;
      readonly next: number | undefined;
    }
  | { readonly status: 'failed'; readonly error: Bitrix24Error }
  | { readonly status: 'unknown'; readonly error: Bitrix24Error };

export interface BatchOptions {
  /** Higher runs first among waiting requests. @default 0 */
  readonly priority?: number;
  /** Runs as each batch request leaves (after its rate-limit wait); throwing rejects the batch unsent. */
  readonly beforeSend?: () => void;
  /** Commands per `batch` request (dear commands such as imports: a request must finish within 60 s). @default 50 */
  readonly commandsPerRequest?: number;
  /** Rounds of re-sending commands refused for a limit (QUERY_LIMIT_EXCEEDED / OPERATION_TIME_LIMIT inside the batch). @default 30 */
  readonly maxLimitRounds?: number;
}

interface Item {
  readonly command: BatchCommand;
  readonly index: number;
}

/**
 * Any number of commands, packed into `batch` requests of at most 50 with `halt: 0`, sent through the
 * client (one bucket slot each). Every command gets exactly one outcome, in input order.
 */
export async function runBatch<T = unknown>(
  client: Bitrix24Client,
  commands: readonly BatchCommand[],
  options: BatchOptions = {},
): Promise<Array<CommandOutcome<T>>> {
  const outcomes = new Array<CommandOutcome<T>>(commands.length);
  const maxRounds = options.maxLimitRounds ?? 30;
  const items = commands.map((command, index) => ({ command, index }));
  await Promise.all(
    chunkPairs(items, Math.min(BATCH_MAX_COMMANDS, options.commandsPerRequest ?? BATCH_MAX_COMMANDS)).map(
      async (first) => {
        let pending: Item[] = first;
        for (let round = 0; pending.length > 0; round++) {
          const results = await sendChunk<T>(client, pending, options, outcomes);
          const refused: Item[] = [];
          results.forEach((outcome, k) => {
            if (outcome.status === 'failed' && outcome.error.isLimit && round < maxRounds) {
              refused.push(pending[k]);
            } else {
              outcomes[pending[k].index] = outcome;
            }
          });
          pending = refused;
        }
      },
    ),
  );
  return outcomes;
}

/** Batches of at most `size` commands that never separate a command from the one its `id` comes from. */
function chunkPairs(items: readonly Item[], size: number): Item[][] {
  const chunks: Item[][] = [];
  let current: Item[] = [];
  items.forEach((item, index) => {
    const pairsWithNext = isChained(items[index + 1]?.command);
    if (current.length + (pairsWithNext ? 2 : 1) > size && !isChained(item.command)) {
      chunks.push(current);
      current = [];
    }
    current.push(item);
  });
  return current.length > 0 ? [...chunks, current] : chunks;
}

/**
 * `id` for a command taking the previous command's result: a reference when both are in this request; the
 * result itself when the previous one already succeeded in an earlier round; undefined when it failed.
 */
function previousId(
  items: readonly Item[],
  k: number,
  settled: ReadonlyArray<CommandOutcome<unknown> | undefined>,
): string | undefined {
  const previous = items[k].index - 1;
  const path = pathOf(items[k].command);
  if (k > 0 && items[k - 1].index === previous) {
    return `$result[c${k - 1}]${path.map((key) => `[${key}]`).join('')}`;
  }
  const outcome = settled[previous];
  if (outcome?.status !== 'ok') {
    return undefined;
  }
  const id = path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
    outcome.result,
  );
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

function isChained(command: BatchCommand | undefined): boolean {
  return command?.idFromPrevious !== undefined && command.idFromPrevious !== false;
}

function pathOf(command: BatchCommand): readonly string[] {
  return Array.isArray(command.idFromPrevious) ? (command.idFromPrevious as readonly string[]) : [];
}

async function sendChunk<T>(
  client: Bitrix24Client,
  items: readonly Item[],
  options: BatchOptions,
  settled: ReadonlyArray<CommandOutcome<unknown> | undefined>,
): Promise<Array<CommandOutcome<T>>> {
  const keys = items.map((_, k) => `c${k}`);
  const cmd = Object.fromEntries(
    items.map((item, k) => {
      const id = isChained(item.command) ? { id: previousId(items, k, settled) ?? '' } : {};
      return [keys[k], encodeBatchCommand(item.command.method, { ...item.command.params, ...id })];
    }),
  );
  // One entry per command: each is billed to its method's operating budget.
  const methods = items.map((item) => item.command.method);
  try {
    const answer = await client.call(
      'batch',
      { halt: 0, cmd },
      {
        write: methods.some(isWriteMethod),
        nestedMethods: methods,
        priority: options.priority ?? 0,
        beforeSend: options.beforeSend,
      },
    );
    const entries = readBatchResult(keys, answer.result);
    const limits = new Set<string>();
    return items.map((item, k) =>
      toOutcome<T>(client, item.command.method, entries.get(keys[k]) ?? { kind: 'missing' }, limits),
    );
  } catch (error) {
    if (!(error instanceof Bitrix24Error)) {
      throw error;
    }
    // The batch request itself failed: every command shares its fate (a lost answer → all unknown).
    return items.map((item) => fannedOut<T>(error, item.command.method));
  }
}

function toOutcome<T>(
  client: Bitrix24Client,
  method: string,
  entry: BatchEntry,
  reacted: Set<string>,
): CommandOutcome<T> {
  switch (entry.kind) {
    case 'result':
      client.observeTime(method, entry.time);
      return { status: 'ok', result: entry.value as T, total: entry.total, next: entry.next };
    case 'error': {
      client.observeTime(method, entry.time);
      const error = new Bitrix24Error({
        ...classifyApiError(entry.code, undefined, entry.description, client.authKind),
        code: entry.code,
        description: client.redactor.redact(entry.description),
        method,
      });
      reactToLimit(client, error, reacted);
      return settle(error, method);
    }
    case 'missing':
      return settle(
        new Bitrix24Error({
          code: ClientErrorCode.BatchResultMissing,
          description: 'the batch answer has neither a result nor an error for this command',
          method,
          classification: Bitrix24ErrorClass.Server,
          outcome: 'unknown',
        }),
        method,
      );
  }
}

/** Limit errors inside a batch: pause once per batch answer, not once per command. */
function reactToLimit(client: Bitrix24Client, error: Bitrix24Error, reacted: Set<string>): void {
  const key = `${error.classification}|${error.method}`;
  if (!error.isLimit || reacted.has(key)) {
    return;
  }
  reacted.add(key);
  if (error.classification === Bitrix24ErrorClass.Rate) {
    client.scheduler.rateLimited();
  } else {
    client.scheduler.methodBlocked(error.method);
  }
}

function fannedOut<T>(error: Bitrix24Error, method: string): CommandOutcome<T> {
  return settle(
    error.withContext({ method, description: `batch request failed: ${error.description}` }),
    method,
  );
}

function settle<T>(error: Bitrix24Error, method: string): CommandOutcome<T> {
  return error.outcome === 'unknown' && isWriteMethod(method)
    ? { status: 'unknown', error }
    : { status: 'failed', error };
}

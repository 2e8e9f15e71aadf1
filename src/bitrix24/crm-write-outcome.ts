import { Bitrix24Error, Bitrix24ErrorClass } from './bitrix24.error.js';
import type { BatchCommand, CommandOutcome } from './batch.executor.js';
import type { CrmFields, DealWriteOutcome } from './crm-entity.types.js';
import { ClientErrorCode } from './error-classification.js';

/** Replaces a deal's product rows (bitrix24-api.md §5b). */
export const ROWS_METHOD = 'crm.deal.productrows.set';

/**
 * Replaces every product row of the deal whose id the command before it created; `idAt` is where the id
 * sits in that command's result (`['item', 'id']` after `crm.item.add`).
 */
export function rowsCommand(rows: readonly CrmFields[], idAt: readonly string[] = []): BatchCommand {
  return { method: ROWS_METHOD, params: { rows: [...rows] }, idFromPrevious: idAt.length > 0 ? idAt : true };
}

export function positiveId(result: unknown): number | undefined {
  const id = Number(result);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/** A write's outcome from its command's: ok needs the id the result should carry. */
export function toWriteOutcome(
  outcome: CommandOutcome,
  idOf: (result: unknown) => number | undefined,
  method: string,
): DealWriteOutcome {
  if (outcome.status !== 'ok') {
    return outcome;
  }
  const dealId = idOf(outcome.result);
  if (dealId !== undefined) {
    return { status: 'ok', dealId };
  }
  return { status: 'unknown', error: unexpectedAnswer(method) };
}

export function unexpectedAnswer(method: string): Bitrix24Error {
  return new Bitrix24Error({
    code: ClientErrorCode.UnexpectedAnswer,
    description: 'the portal answered without the expected result',
    method,
    classification: Bitrix24ErrorClass.Server,
    outcome: 'unknown',
  });
}

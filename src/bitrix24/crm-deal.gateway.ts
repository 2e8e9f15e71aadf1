import { Injectable } from '@nestjs/common';
import type { Bitrix24Client } from './bitrix24.client.js';
import { Bitrix24Error, Bitrix24ErrorClass, RecordErrorReason } from './bitrix24.error.js';
import { chunk } from './batch-command.js';
import type { BatchCommand, CommandOutcome } from './batch.executor.js';
import { ClientErrorCode } from './error-classification.js';
import { LIST_PAGE_SIZE, pageThrough } from './list-pager.js';
import type {
  CrmDeal,
  DealFieldInfo,
  DealFields,
  DealStage,
  DealUpdate,
  DealWriteOptions,
  DealWriteOutcome,
  PortalCurrency,
  StageSemantics,
} from './crm-deal.types.js';

/** ORIGIN_IDs per lookup command: leaves room in a 50-row page for a few duplicates per id. */
const ORIGIN_IDS_PER_LOOKUP = 25;

/** Bitrix24 CRM deals in domain terms, on top of the client (batched writes, per-deal outcomes). */
@Injectable()
export class CrmDealGateway {
  constructor(private readonly client: Bitrix24Client) {}

  /** `crm.deal.add` per draft; each outcome carries the new deal id. Drafts should carry ORIGINATOR_ID + ORIGIN_ID. */
  async createMany(
    deals: readonly DealFields[],
    options: DealWriteOptions = {},
  ): Promise<DealWriteOutcome[]> {
    const commands = deals.map((fields) => ({
      method: 'crm.deal.add',
      params: { fields, ...writeParams(options) },
    }));
    const outcomes = await this.client.batch(commands, { beforeSend: options.beforeSend });
    return outcomes.map((outcome, index) =>
      toWriteOutcome(
        outcome,
        (result) => {
          const id = Number(result);
          return Number.isInteger(id) && id > 0 ? id : undefined;
        },
        commands[index].method,
      ),
    );
  }

  async updateMany(
    updates: readonly DealUpdate[],
    options: DealWriteOptions = {},
  ): Promise<DealWriteOutcome[]> {
    const commands = updates.map((update) => ({
      method: 'crm.deal.update',
      params: { id: update.dealId, fields: update.fields, ...writeParams(options) },
    }));
    const outcomes = await this.client.batch(commands, { beforeSend: options.beforeSend });
    return outcomes.map((outcome, index) =>
      toWriteOutcome(
        outcome,
        (result) => (isTrue(result) ? updates[index].dealId : undefined),
        'crm.deal.update',
      ),
    );
  }

  async deleteMany(
    dealIds: readonly number[],
    options: Pick<DealWriteOptions, 'beforeSend'> = {},
  ): Promise<DealWriteOutcome[]> {
    const outcomes = await this.client.batch(
      dealIds.map((id) => ({ method: 'crm.deal.delete', params: { id } })),
      { beforeSend: options.beforeSend },
    );
    return outcomes.map((outcome, index) =>
      toWriteOutcome(outcome, (result) => (isTrue(result) ? dealIds[index] : undefined), 'crm.deal.delete'),
    );
  }

  /**
   * Our deals for these ERP keys: batched `crm.deal.list` with `ORIGINATOR_ID` and `@ORIGIN_ID`.
   * Every requested id is a key of the map ([] when no deal carries it). Throws if any lookup fails:
   * "absent" is never guessed, since it would lead to a duplicate create.
   */
  async findByOrigin(
    originatorId: string,
    originIds: readonly string[],
    select: readonly string[] = ['*', 'UF_*'],
  ): Promise<Map<string, CrmDeal[]>> {
    const found = new Map<string, CrmDeal[]>(originIds.map((id) => [id, []]));
    const fields = withKeys(select, ['ID', 'ORIGIN_ID']);
    const groups = chunk([...new Set(originIds)], ORIGIN_IDS_PER_LOOKUP);
    const filterOf = (ids: string[]) => ({ ORIGINATOR_ID: originatorId, '@ORIGIN_ID': ids });
    const commands: BatchCommand[] = groups.map((ids) => ({
      method: 'crm.deal.list',
      params: { order: { ID: 'ASC' }, filter: { ...filterOf(ids), '>ID': 0 }, select: fields, start: -1 },
    }));
    const outcomes = await this.client.batch<CrmDeal[]>(commands);
    for (const [index, outcome] of outcomes.entries()) {
      const rows = readOrThrow(outcome);
      collect(found, rows);
      if (rows.length >= LIST_PAGE_SIZE) {
        const rest = { ...filterOf(groups[index]), '>ID': rows[rows.length - 1].ID };
        for await (const page of pageThrough<CrmDeal>(this.client, 'crm.deal.list', {
          filter: rest,
          select: fields,
        })) {
          collect(found, page);
        }
      }
    }
    return found;
  }

  /** Whether any deal carries this ORIGINATOR_ID: one `crm.deal.list` request without a count. */
  async hasDeals(originatorId: string): Promise<boolean> {
    const { result } = await this.client.call<CrmDeal[]>('crm.deal.list', {
      order: { ID: 'ASC' },
      filter: { ORIGINATOR_ID: originatorId },
      select: ['ID'],
      start: -1,
    });
    return result.length > 0;
  }

  /** Every deal with this ORIGINATOR_ID, in ID order, paged the fast way. */
  async *iterateDeals(
    originatorId: string,
    select: readonly string[] = ['*', 'UF_*'],
  ): AsyncGenerator<CrmDeal, void, undefined> {
    for await (const page of pageThrough<CrmDeal>(this.client, 'crm.deal.list', {
      filter: { ORIGINATOR_ID: originatorId },
      select,
    })) {
      yield* page;
    }
  }

  /** Deals by id (batched `crm.deal.get`); null when the portal says "Not found". Other failures throw. */
  async getMany(dealIds: readonly number[]): Promise<Map<number, CrmDeal | null>> {
    const ids = [...new Set(dealIds)];
    const outcomes = await this.client.batch<CrmDeal>(
      ids.map((id) => ({ method: 'crm.deal.get', params: { id } })),
    );
    const deals = new Map<number, CrmDeal | null>();
    outcomes.forEach((outcome, index) => {
      if (outcome.status !== 'ok' && outcome.error.reason === RecordErrorReason.NotFound) {
        deals.set(ids[index], null);
      } else {
        deals.set(ids[index], readOrThrow(outcome));
      }
    });
    return deals;
  }

  async fields(): Promise<Record<string, DealFieldInfo>> {
    return (await this.client.call<Record<string, DealFieldInfo>>('crm.deal.fields')).result;
  }

  /** Stages of a funnel in portal order (`crm.status.list`, entity DEAL_STAGE or DEAL_STAGE_{id}). */
  async stages(categoryId: number): Promise<DealStage[]> {
    const entityId = categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`;
    const { result } = await this.client.call<Array<Record<string, unknown>>>('crm.status.list', {
      order: { SORT: 'ASC' },
      filter: { ENTITY_ID: entityId },
    });
    return (Array.isArray(result) ? result : []).map((row) => ({
      statusId: String(row.STATUS_ID),
      name: typeof row.NAME === 'string' ? row.NAME : '',
      sort: Number(row.SORT ?? 0),
      semantics: semanticsOf(row.SEMANTICS),
    }));
  }

  async currencies(): Promise<PortalCurrency[]> {
    const { result } = await this.client.call<Array<Record<string, unknown>>>('crm.currency.list');
    return (Array.isArray(result) ? result : []).map((row) => ({
      code: String(row.CURRENCY),
      base: row.BASE === 'Y',
    }));
  }
}

function writeParams(options: DealWriteOptions): { params?: { REGISTER_SONET_EVENT: string } } {
  return options.registerSonetEvent === undefined
    ? {}
    : { params: { REGISTER_SONET_EVENT: options.registerSonetEvent ? 'Y' : 'N' } };
}

function toWriteOutcome(
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
  return {
    status: 'unknown',
    error: new Bitrix24Error({
      code: ClientErrorCode.UnexpectedAnswer,
      description: 'the portal answered without the expected result',
      method,
      classification: Bitrix24ErrorClass.Server,
      outcome: 'unknown',
    }),
  };
}

function readOrThrow<T>(outcome: CommandOutcome<T>): T {
  if (outcome.status !== 'ok') {
    throw outcome.error;
  }
  return outcome.result;
}

function collect(found: Map<string, CrmDeal[]>, rows: readonly CrmDeal[]): void {
  for (const row of Array.isArray(rows) ? (rows as readonly CrmDeal[]) : []) {
    const list = typeof row.ORIGIN_ID === 'string' ? found.get(row.ORIGIN_ID) : undefined;
    if (list && !list.some((deal) => deal.ID === row.ID)) {
      list.push(row);
    }
  }
}

function withKeys(select: readonly string[], keys: readonly string[]): string[] {
  return [...keys.filter((key) => !select.includes(key)), ...select];
}

function isTrue(result: unknown): boolean {
  return result === true || result === 'true' || result === 1 || result === '1';
}

function semanticsOf(value: unknown): StageSemantics {
  if (value === 'S') {
    return 'success';
  }
  return value === 'F' ? 'failure' : 'process';
}

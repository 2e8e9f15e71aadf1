import { Injectable } from '@nestjs/common';
import type { Bitrix24Client } from './bitrix24.client.js';
import { RecordErrorReason } from './bitrix24.error.js';
import { chunk } from './batch-command.js';
import type { BatchCommand, CommandOutcome } from './batch.executor.js';
import { DEFAULT_CREATE_VIA } from '../config/create-via.js';
import { ROWS_METHOD, toWriteOutcome } from './crm-write-outcome.js';
import { addDeals, createDealsVia } from './deal-creates.js';
import { LIST_PAGE_SIZE, pageThrough } from './list-pager.js';
import {
  MULTI_FIELD_NAMES,
  multiItemsForAdd,
  multiItemsForUpdate,
  type MultiFieldTypes,
} from './multi-field-items.js';
import type {
  CrmEntityType,
  CrmRecord,
  DealFieldInfo,
  CrmFields,
  DealStage,
  DealUpdate,
  DealWriteOptions,
  DealWriteOutcome,
  PortalCurrency,
  StageSemantics,
} from './crm-entity.types.js';

/** ORIGIN_IDs per lookup command: leaves room in a 50-row page for a few duplicates per id. */
const ORIGIN_IDS_PER_LOOKUP = 25;

/**
 * Bitrix24 CRM records of one entity (deals, companies or contacts: the same `crm.{entity}.*` methods) in
 * domain terms, on top of the client: batched writes with per-record outcomes, lookups by origin.
 */
@Injectable()
export class CrmEntityGateway {
  private readonly prefix: string;

  constructor(
    private readonly client: Bitrix24Client,
    readonly entity: CrmEntityType = 'deal',
  ) {
    this.prefix = `crm.${entity}`;
  }

  /** The same portal's records of another entity. */
  forEntity(entity: CrmEntityType): CrmEntityGateway {
    return entity === this.entity ? this : new CrmEntityGateway(this.client, entity);
  }

  /**
   * `crm.{entity}.add` per draft; each outcome carries the new id. Drafts should carry ORIGINATOR_ID + ORIGIN_ID.
   * A deal's product rows ride in the same batch request, right after its add (`id=$result[…]`); rows refused
   * after the deal was created are reported on its outcome (`rowsRefused`). Deals go over `options.createVia`
   * (deal-creates.ts) when it names more than `crm.deal.add`.
   */
  async createMany(
    drafts: readonly CrmFields[],
    options: DealWriteOptions = {},
  ): Promise<DealWriteOutcome[]> {
    const multi = options.multiFields ?? {};
    const withRows = drafts.map((fields, index) => ({ fields, rows: options.productRows?.[index] }));
    const via = this.entity === 'deal' ? (options.createVia ?? DEFAULT_CREATE_VIA) : DEFAULT_CREATE_VIA;
    const addParams = (fields: CrmFields) => ({
      fields: multiItemsForAdd(fields, multi),
      ...writeParams(options),
    });
    if (via.length > 1 || via[0] !== 'crm.deal.add') {
      return createDealsVia(this.client, withRows, via, options, addParams);
    }
    return addDeals(this.client, `${this.prefix}.add`, withRows, options, addParams);
  }

  /** `crm.{entity}.update` per update, and a deal's `crm.deal.productrows.set` when its rows changed. */
  async updateMany(
    updates: readonly DealUpdate[],
    options: DealWriteOptions = {},
  ): Promise<DealWriteOutcome[]> {
    const fieldsOf = await this.withMultiItems(updates, options.multiFields ?? {});
    const commands: BatchCommand[] = [];
    const slots = updates.map((update, index) => {
      const rows = options.productRows?.[index];
      const slot: number[] = [];
      if (rows === undefined || Object.keys(fieldsOf[index]).length > 0) {
        const params = { id: update.dealId, fields: fieldsOf[index], ...writeParams(options) };
        slot.push(commands.push({ method: `${this.prefix}.update`, params }) - 1);
      }
      if (rows !== undefined) {
        const params = { id: update.dealId, rows: [...rows] };
        slot.push(commands.push({ method: ROWS_METHOD, params }) - 1);
      }
      return slot;
    });
    const outcomes = await this.client.batch(commands, { beforeSend: options.beforeSend });
    return slots.map((slot, index) =>
      worstOf(
        slot.map((at) =>
          toWriteOutcome(
            outcomes[at],
            (result) => (isTrue(result) ? updates[index].dealId : undefined),
            commands[at].method,
          ),
        ),
      ),
    );
  }

  async deleteMany(
    dealIds: readonly number[],
    options: Pick<DealWriteOptions, 'beforeSend'> = {},
  ): Promise<DealWriteOutcome[]> {
    const outcomes = await this.client.batch(
      dealIds.map((id) => ({ method: `${this.prefix}.delete`, params: { id } })),
      { beforeSend: options.beforeSend },
    );
    return outcomes.map((outcome, index) =>
      toWriteOutcome(
        outcome,
        (result) => (isTrue(result) ? dealIds[index] : undefined),
        `${this.prefix}.delete`,
      ),
    );
  }

  /**
   * Update fields with multi-fields as items. Only records whose update sets a multi-field are read (one
   * batched `get`), for the IDs of the values to change in place (bitrix24-api.md §5b).
   */
  private async withMultiItems(updates: readonly DealUpdate[], multi: MultiFieldTypes): Promise<CrmFields[]> {
    const touches = (update: DealUpdate) => Object.keys(multi).some((name) => name in update.fields);
    const current = await this.getMany(updates.filter(touches).map((update) => update.dealId));
    return updates.map((update) =>
      touches(update)
        ? multiItemsForUpdate(update.fields, multi, current.get(update.dealId) ?? null)
        : update.fields,
    );
  }

  /** What `select` names when a caller names nothing: every field, multi-fields included (list omits them). */
  get allFields(): readonly string[] {
    return this.entity === 'deal' ? ['*', 'UF_*'] : ['*', 'UF_*', ...MULTI_FIELD_NAMES];
  }

  /**
   * Our records for these ERP keys: batched `crm.{entity}.list` with `ORIGINATOR_ID` and `@ORIGIN_ID`.
   * Every requested id is a key of the map ([] when no deal carries it). Throws if any lookup fails:
   * "absent" is never guessed, since it would lead to a duplicate create.
   */
  async findByOrigin(
    originatorId: string,
    originIds: readonly string[],
    select: readonly string[] = this.allFields,
  ): Promise<Map<string, CrmRecord[]>> {
    const found = new Map<string, CrmRecord[]>(originIds.map((id) => [id, []]));
    const fields = withKeys(select, ['ID', 'ORIGIN_ID']);
    const groups = chunk([...new Set(originIds)], ORIGIN_IDS_PER_LOOKUP);
    const filterOf = (ids: string[]) => ({ ORIGINATOR_ID: originatorId, '@ORIGIN_ID': ids });
    const commands: BatchCommand[] = groups.map((ids) => ({
      method: `${this.prefix}.list`,
      params: { order: { ID: 'ASC' }, filter: { ...filterOf(ids), '>ID': 0 }, select: fields, start: -1 },
    }));
    const outcomes = await this.client.batch<CrmRecord[]>(commands);
    for (const [index, outcome] of outcomes.entries()) {
      const rows = readOrThrow(outcome);
      collect(found, rows);
      if (rows.length >= LIST_PAGE_SIZE) {
        const rest = { ...filterOf(groups[index]), '>ID': rows[rows.length - 1].ID };
        for await (const page of pageThrough<CrmRecord>(this.client, `${this.prefix}.list`, {
          filter: rest,
          select: fields,
        })) {
          collect(found, page);
        }
      }
    }
    return found;
  }

  /** Whether any record carries this ORIGINATOR_ID: one `crm.{entity}.list` request without a count. */
  async hasRecords(originatorId: string): Promise<boolean> {
    const { result } = await this.client.call<CrmRecord[]>(`${this.prefix}.list`, {
      order: { ID: 'ASC' },
      filter: { ORIGINATOR_ID: originatorId },
      select: ['ID'],
      start: -1,
    });
    return result.length > 0;
  }

  /** Every record with this ORIGINATOR_ID, in ID order, paged the fast way. */
  async *iterateRecords(
    originatorId: string,
    select: readonly string[] = this.allFields,
  ): AsyncGenerator<CrmRecord, void, undefined> {
    for await (const page of pageThrough<CrmRecord>(this.client, `${this.prefix}.list`, {
      filter: { ORIGINATOR_ID: originatorId },
      select,
    })) {
      yield* page;
    }
  }

  /** Records by id (batched `crm.{entity}.get`); null when the portal says "Not found". Other failures throw. */
  async getMany(recordIds: readonly number[]): Promise<Map<number, CrmRecord | null>> {
    const ids = [...new Set(recordIds)];
    if (ids.length === 0) {
      return new Map();
    }
    const outcomes = await this.client.batch<CrmRecord>(
      ids.map((id) => ({ method: `${this.prefix}.get`, params: { id } })),
    );
    const deals = new Map<number, CrmRecord | null>();
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
    return (await this.client.call<Record<string, DealFieldInfo>>(`${this.prefix}.fields`)).result;
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

/** One record's outcome over its commands: refused if any was, unknown if any may not have been applied. */
function worstOf(outcomes: readonly DealWriteOutcome[]): DealWriteOutcome {
  return (
    outcomes.find((outcome) => outcome.status === 'failed') ??
    outcomes.find((outcome) => outcome.status === 'unknown') ??
    outcomes[0]
  );
}

function writeParams(options: DealWriteOptions): { params?: { REGISTER_SONET_EVENT: string } } {
  return options.registerSonetEvent === undefined
    ? {}
    : { params: { REGISTER_SONET_EVENT: options.registerSonetEvent ? 'Y' : 'N' } };
}

function readOrThrow<T>(outcome: CommandOutcome<T>): T {
  if (outcome.status !== 'ok') {
    throw outcome.error;
  }
  return outcome.result;
}

function collect(found: Map<string, CrmRecord[]>, rows: readonly CrmRecord[]): void {
  for (const row of Array.isArray(rows) ? (rows as readonly CrmRecord[]) : []) {
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

import type { DealFieldMap, StoredDeal } from './deal-fields.js';
import { compareDeals, matchesFilter, type FilterCondition, type OrderTerm } from './deal-filter.js';
import { StageSemantic, type PortalCatalog } from './portal-catalog.js';
import { addDays, portalDate, type PortalOffset } from './portal-time.js';
import { crmError } from './rest-error.js';

export interface DealWriteContext {
  userId: number;
  nowMs: number;
}

export interface DealPage {
  rows: StoredDeal[];
  /** Full match count; undefined when counting was skipped (start < 0). */
  total?: number;
  next?: number;
}

/** crm.deal.list page size (`IRestService::LIST_LIMIT`, bitrix24-api.md §5.8). */
export const LIST_PAGE_SIZE = 50;

/**
 * In-memory deals with the business rules of `CCrmDeal::Add/Update` that a sync client can trip
 * over: defaults on add, currency and stage/funnel validation, DATE_MODIFY/MODIFY_BY_ID upkeep.
 * No uniqueness on ORIGINATOR_ID/ORIGIN_ID and no idempotency (bitrix24-api.md §9).
 */
export class DealStore {
  readonly #deals = new Map<number, StoredDeal>();
  #nextId = 1;

  constructor(
    private readonly catalog: PortalCatalog,
    private readonly fields: DealFieldMap,
    private readonly offset: () => PortalOffset,
  ) {}

  add(input: StoredDeal, context: DealWriteContext): number {
    const ctx = wholeSeconds(context);
    const categoryId = this.#resolveCategory(input);
    const stageId =
      input.STAGE_ID == null ? this.catalog.stages(categoryId)[0]?.statusId : String(input.STAGE_ID);
    const currency = this.#resolveCurrency(input.CURRENCY_ID, this.catalog.baseCurrency);
    const stage = this.#resolveStage(categoryId, stageId ?? '');
    const id = this.#nextId++;
    const today = portalDate(ctx.nowMs, this.offset());
    const created = typeof input.DATE_CREATE === 'number' ? input.DATE_CREATE : ctx.nowMs;
    const deal: StoredDeal = {
      TYPE_ID: 'SALE',
      PROBABILITY: null,
      OPPORTUNITY: 0,
      TAX_VALUE: 0,
      BEGINDATE: today,
      CLOSEDATE: addDays(today, 7),
      OPENED: 'Y',
      IS_RECURRING: 'N',
      ASSIGNED_BY_ID: ctx.userId,
      CREATED_BY_ID: ctx.userId,
      MODIFY_BY_ID: ctx.userId,
      ...input,
      ID: id,
      TITLE: input.TITLE ?? `Deal #${id}`,
      CATEGORY_ID: categoryId,
      STAGE_ID: stage.statusId,
      CURRENCY_ID: currency,
      DATE_CREATE: created,
      DATE_MODIFY: typeof input.DATE_MODIFY === 'number' ? input.DATE_MODIFY : created,
      MOVED_BY_ID: ctx.userId,
      MOVED_TIME: created,
      LAST_ACTIVITY_TIME: created,
      LAST_ACTIVITY_BY: ctx.userId,
      IS_RETURN_CUSTOMER: 'N',
      IS_REPEATED_APPROACH: 'N',
    };
    this.#normalize(deal, categoryId);
    this.#deals.set(id, deal);
    return id;
  }

  /** CATEGORY_ID in the input moves the deal to another funnel (crm.item.update only; internalize drops it otherwise). */
  update(id: number, input: StoredDeal, context: DealWriteContext): void {
    const ctx = wholeSeconds(context);
    const current = this.#require(id);
    const currentCategory = Number(current.CATEGORY_ID);
    const categoryId = input.CATEGORY_ID == null ? currentCategory : this.#resolveCategory(input);
    const next: StoredDeal = { ...current, ...input, CATEGORY_ID: categoryId };
    const moved = categoryId !== currentCategory;
    if (input.STAGE_ID != null || moved) {
      const wanted =
        input.STAGE_ID == null ? this.catalog.stages(categoryId)[0]?.statusId : String(input.STAGE_ID);
      const stage = this.#resolveStage(categoryId, wanted ?? '');
      next.STAGE_ID = stage.statusId;
      if (stage.statusId !== current.STAGE_ID) {
        next.MOVED_TIME = ctx.nowMs;
        next.MOVED_BY_ID = ctx.userId;
      }
    } else {
      next.STAGE_ID = current.STAGE_ID ?? null;
    }
    if (input.CURRENCY_ID !== undefined) {
      next.CURRENCY_ID = this.#resolveCurrency(input.CURRENCY_ID, String(current.CURRENCY_ID));
    }
    next.DATE_MODIFY = ctx.nowMs;
    next.MODIFY_BY_ID = ctx.userId;
    this.#normalize(next, categoryId);
    this.#deals.set(id, next);
  }

  get(id: number): StoredDeal {
    return { ...this.#require(id) };
  }

  has(id: number): boolean {
    return this.#deals.has(id);
  }

  delete(id: number): void {
    this.#require(id);
    this.#deals.delete(id);
  }

  all(): StoredDeal[] {
    return [...this.#deals.values()].map((deal) => ({ ...deal }));
  }

  list(filter: readonly FilterCondition[], order: readonly OrderTerm[], start: number): DealPage {
    const offset = this.offset();
    const matching = [...this.#deals.values()]
      .filter((deal) => matchesFilter(deal, filter, offset))
      .sort((a, b) => compareDeals(a, b, order, (stage) => this.catalog.stageSort(stage)));
    if (start < 0) {
      return { rows: matching.slice(0, LIST_PAGE_SIZE) };
    }
    const first = Math.floor(start / LIST_PAGE_SIZE) * LIST_PAGE_SIZE;
    const rows = matching.slice(first, first + LIST_PAGE_SIZE);
    const next = first + LIST_PAGE_SIZE < matching.length ? first + LIST_PAGE_SIZE : undefined;
    return { rows, total: matching.length, ...(next === undefined ? {} : { next }) };
  }

  clear(): void {
    this.#deals.clear();
    this.#nextId = 1;
  }

  get fieldMap(): DealFieldMap {
    return this.fields;
  }

  #require(id: number): StoredDeal {
    const deal = this.#deals.get(id);
    if (deal === undefined) {
      throw crmError('Not found');
    }
    return deal;
  }

  #resolveCategory(input: StoredDeal): number {
    if (input.CATEGORY_ID == null) {
      const fromStage = input.STAGE_ID == null ? 0 : this.catalog.categoryOfStage(String(input.STAGE_ID));
      return fromStage ?? 0;
    }
    const categoryId = Math.max(0, Number(input.CATEGORY_ID));
    if (this.catalog.category(categoryId) === undefined) {
      throw crmError(`Pipeline with ID ${categoryId} is not found.`);
    }
    return categoryId;
  }

  #resolveStage(categoryId: number, stageId: string) {
    const stage = this.catalog.stage(categoryId, stageId);
    if (stage === undefined) {
      throw crmError(`Stage '${stageId}' does not belong to pipeline ${categoryId}.`);
    }
    return stage;
  }

  #resolveCurrency(value: StoredDeal[string] | undefined, fallback: string): string {
    if (value == null) {
      return fallback;
    }
    const currency = String(value);
    if (!this.catalog.currencies.includes(currency)) {
      throw crmError('Invalid value for the Currency field');
    }
    return currency;
  }

  /** Derived and Y/N fields: only an exact 'Y' is yes (anything else, even true, stores 'N'). */
  #normalize(deal: StoredDeal, categoryId: number): void {
    const stages = this.catalog.stages(categoryId);
    const stage = stages.find((candidate) => candidate.statusId === deal.STAGE_ID);
    const semantic = stage?.semantic ?? StageSemantic.Process;
    deal.STAGE_SEMANTIC_ID = semantic;
    deal.CLOSED = semantic === StageSemantic.Process ? 'N' : 'Y';
    deal.IS_NEW = stage?.statusId === stages[0]?.statusId ? 'Y' : 'N';
    for (const name of ['OPENED', 'IS_MANUAL_OPPORTUNITY', 'IS_RECURRING']) {
      deal[name] = deal[name] === 'Y' ? 'Y' : 'N';
    }
    deal.OPPORTUNITY ??= 0;
    const contacts = deal.CONTACT_IDS;
    if (Array.isArray(contacts)) {
      deal.CONTACT_ID = contacts[0] ?? null;
    } else if (typeof deal.CONTACT_ID === 'number' && deal.CONTACT_ID > 0) {
      deal.CONTACT_IDS = [deal.CONTACT_ID];
    }
  }
}

/** The CRM stores datetimes in whole seconds (MySQL DATETIME): two writes in one second share DATE_MODIFY. */
function wholeSeconds(ctx: DealWriteContext): DealWriteContext {
  return { ...ctx, nowMs: Math.floor(ctx.nowMs / 1000) * 1000 };
}

import { bindPrimary, CrmEntityStore, wholeSeconds, type WriteContext } from './crm-entity-store.js';
import type { CrmFieldMap, StoredRecord } from './deal-fields.js';
import { StageSemantic, type PortalCatalog } from './portal-catalog.js';
import { addDays, portalDate, type PortalOffset } from './portal-time.js';
import { crmError } from './rest-error.js';

/** Totals of a deal's product rows (`CCrmProductRow::CalculateTotalInfo`). */
export interface ProductTotals {
  opportunity: number;
  taxValue: number;
}

/**
 * Deals with the business rules of `CCrmDeal::Add/Update` that a sync client can trip over: defaults
 * on add, currency and stage/funnel validation, DATE_MODIFY/MODIFY_BY_ID upkeep, contact bindings.
 * No uniqueness on ORIGINATOR_ID/ORIGIN_ID and no idempotency (bitrix24-api.md §9).
 */
export class DealStore extends CrmEntityStore {
  constructor(
    private readonly catalog: PortalCatalog,
    fields: CrmFieldMap,
    offset: () => PortalOffset,
  ) {
    super(fields, offset, (stage) => catalog.stageSort(stage));
  }

  add(input: StoredRecord, context: WriteContext): number {
    const ctx = wholeSeconds(context);
    const categoryId = this.#resolveCategory(input);
    const stageId =
      input.STAGE_ID == null ? this.catalog.stages(categoryId)[0]?.statusId : String(input.STAGE_ID);
    const currency = this.#resolveCurrency(input.CURRENCY_ID, this.catalog.baseCurrency);
    const stage = this.#resolveStage(categoryId, stageId ?? '');
    const id = this.allocateId();
    const today = portalDate(ctx.nowMs, this.offset());
    const created = typeof input.DATE_CREATE === 'number' ? input.DATE_CREATE : ctx.nowMs;
    const deal: StoredRecord = {
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
    bindPrimary(deal, input, {}, 'CONTACT_ID', 'CONTACT_IDS');
    this.#normalize(deal, categoryId);
    this.save(id, deal);
    return id;
  }

  /** CATEGORY_ID in the input moves the deal to another funnel (crm.item.update only; internalize drops it otherwise). */
  update(id: number, input: StoredRecord, context: WriteContext): void {
    const ctx = wholeSeconds(context);
    const current = this.require(id);
    const currentCategory = Number(current.CATEGORY_ID);
    const categoryId = input.CATEGORY_ID == null ? currentCategory : this.#resolveCategory(input);
    const next: StoredRecord = { ...current, ...input, CATEGORY_ID: categoryId };
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
    bindPrimary(next, input, current, 'CONTACT_ID', 'CONTACT_IDS');
    this.#normalize(next, categoryId);
    this.save(id, next);
  }

  /** After a product-row set: TAX_VALUE always, OPPORTUNITY unless IS_MANUAL_OPPORTUNITY is Y (`SynchronizeProductRows`). */
  syncProductTotals(id: number, totals: ProductTotals, context: WriteContext): void {
    const manual = this.require(id).IS_MANUAL_OPPORTUNITY === 'Y';
    this.update(
      id,
      manual
        ? { TAX_VALUE: totals.taxValue }
        : { TAX_VALUE: totals.taxValue, OPPORTUNITY: totals.opportunity },
      context,
    );
  }

  #resolveCategory(input: StoredRecord): number {
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

  #resolveCurrency(value: StoredRecord[string] | undefined, fallback: string): string {
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
  #normalize(deal: StoredRecord, categoryId: number): void {
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
  }
}

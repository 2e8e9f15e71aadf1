import { bindPrimary, CrmEntityStore, wholeSeconds, type WriteContext } from './crm-entity-store.js';
import type { CrmFieldMap, StoredRecord } from './deal-fields.js';
import { applyMultiInput, type MultiInput, type MultiValue } from './multi-fields.js';
import type { PortalOffset } from './portal-time.js';

export type ClientKind = 'company' | 'contact';

/** Multi-field value ids are portal-wide (one `b_crm_field_multi` table for companies and contacts). */
export class IdSequence {
  #next = 1;

  next(): number {
    return this.#next++;
  }

  reset(): void {
    this.#next = 1;
  }
}

const YES_NO: Record<ClientKind, readonly string[]> = {
  company: ['OPENED', 'IS_MY_COMPANY'],
  contact: ['OPENED', 'EXPORT'],
};

/**
 * Companies and contacts (`CCrmCompany`/`CCrmContact`, bitrix24-api.md §5b): defaults on add, audit
 * fields, multi-fields with their own ids, a contact's company bindings. ORIGINATOR_ID/ORIGIN_ID are
 * free strings, no uniqueness, no idempotency, exactly as for deals.
 */
export class ClientStore extends CrmEntityStore {
  readonly #multi = new Map<number, MultiValue[]>();

  constructor(
    readonly kind: ClientKind,
    fields: CrmFieldMap,
    offset: () => PortalOffset,
    private readonly multiIds: IdSequence,
  ) {
    super(fields, offset);
  }

  add(input: StoredRecord, context: WriteContext, multi: MultiInput = {}): number {
    const ctx = wholeSeconds(context);
    const values = applyMultiInput([], multi, 'add', () => this.multiIds.next());
    const id = this.allocateId();
    const created = typeof input.DATE_CREATE === 'number' ? input.DATE_CREATE : ctx.nowMs;
    const record: StoredRecord = {
      OPENED: 'Y',
      ...(this.kind === 'contact' ? { EXPORT: 'Y' } : { IS_MY_COMPANY: 'N' }),
      ASSIGNED_BY_ID: ctx.userId,
      CREATED_BY_ID: ctx.userId,
      MODIFY_BY_ID: ctx.userId,
      ...input,
      ID: id,
      DATE_CREATE: created,
      DATE_MODIFY: typeof input.DATE_MODIFY === 'number' ? input.DATE_MODIFY : created,
      LAST_ACTIVITY_TIME: created,
      LAST_ACTIVITY_BY: ctx.userId,
    };
    if (this.kind === 'company') {
      record.TITLE = input.TITLE ?? `Company #${id}`;
    } else {
      bindPrimary(record, input, {}, 'COMPANY_ID', 'COMPANY_IDS');
    }
    this.#finish(id, record, values);
    return id;
  }

  update(id: number, input: StoredRecord, context: WriteContext, multi: MultiInput = {}): void {
    const ctx = wholeSeconds(context);
    const current = this.require(id);
    const values = applyMultiInput(this.multiValues(id), multi, 'update', () => this.multiIds.next());
    const next: StoredRecord = { ...current, ...input, DATE_MODIFY: ctx.nowMs, MODIFY_BY_ID: ctx.userId };
    if (this.kind === 'contact') {
      bindPrimary(next, input, current, 'COMPANY_ID', 'COMPANY_IDS');
    }
    this.#finish(id, next, values);
  }

  override multiValues(id: number): MultiValue[] {
    return (this.#multi.get(id) ?? []).map((value) => ({ ...value }));
  }

  override delete(id: number): void {
    super.delete(id);
    this.#multi.delete(id);
  }

  override clear(): void {
    super.clear();
    this.#multi.clear();
  }

  /** Only an exact 'Y' is yes; HAS_PHONE/HAS_EMAIL follow the multi-fields. */
  #finish(id: number, record: StoredRecord, values: MultiValue[]): void {
    for (const name of YES_NO[this.kind]) {
      record[name] = record[name] === 'Y' ? 'Y' : 'N';
    }
    record.HAS_PHONE = values.some((value) => value.typeId === 'PHONE') ? 'Y' : 'N';
    record.HAS_EMAIL = values.some((value) => value.typeId === 'EMAIL') ? 'Y' : 'N';
    record.HAS_IMOL = 'N';
    this.#multi.set(id, values);
    this.save(id, record);
  }
}

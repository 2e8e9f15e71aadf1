import {
  compareRecords,
  equalityKeys,
  matchesFilter,
  type FilterCondition,
  type OrderTerm,
} from './crm-filter.js';
import type { CrmFieldMap, StoredRecord, StoredValue } from './deal-fields.js';
import type { MultiValue } from './multi-fields.js';
import type { PortalOffset } from './portal-time.js';
import { crmError } from './rest-error.js';

export interface WriteContext {
  userId: number;
  nowMs: number;
}

export interface EntityPage {
  rows: StoredRecord[];
  /** Full match count; undefined when counting was skipped (start < 0). */
  total?: number;
  next?: number;
}

/** crm.*.list page size (`IRestService::LIST_LIMIT`, bitrix24-api.md §5.8). */
export const LIST_PAGE_SIZE = 50;

/**
 * What deals, companies and contacts share: ids, lookup, the `crm.*.list` filter/order/paging and the
 * unbinding a deletion causes elsewhere. Business rules of add/update live in the subclasses.
 */
export class CrmEntityStore {
  readonly #records = new Map<number, StoredRecord>();
  /** ORIGIN_ID (lower-cased, like the filter compares) → ids: exactly-once lookups stay cheap at 100k records. */
  readonly #byOrigin = new Map<string, Set<number>>();
  #nextId = 1;

  constructor(
    readonly fieldMap: CrmFieldMap,
    protected readonly offset: () => PortalOffset,
    private readonly stageSort: (statusId: string) => number = () => 0,
  ) {}

  get(id: number): StoredRecord {
    return { ...this.require(id) };
  }

  has(id: number): boolean {
    return this.#records.has(id);
  }

  delete(id: number): void {
    this.#unindex(id, this.require(id));
    this.#records.delete(id);
  }

  all(): StoredRecord[] {
    return [...this.#records.values()].map((record) => ({ ...record }));
  }

  /** `also` narrows further (multi-field filters, which are not stored fields). */
  list(
    filter: readonly FilterCondition[],
    order: readonly OrderTerm[],
    start: number,
    also: (record: StoredRecord) => boolean = () => true,
  ): EntityPage {
    const offset = this.offset();
    const matching = this.#candidates(filter)
      .filter((record) => matchesFilter(record, filter, offset) && also(record))
      .sort((a, b) => compareRecords(a, b, order, this.stageSort));
    if (start < 0) {
      return { rows: matching.slice(0, LIST_PAGE_SIZE) };
    }
    const first = Math.floor(start / LIST_PAGE_SIZE) * LIST_PAGE_SIZE;
    const rows = matching.slice(first, first + LIST_PAGE_SIZE);
    const next = first + LIST_PAGE_SIZE < matching.length ? first + LIST_PAGE_SIZE : undefined;
    return { rows, total: matching.length, ...(next === undefined ? {} : { next }) };
  }

  /** Multi-field values; only companies and contacts have any. */
  multiValues(_id: number): MultiValue[] {
    return [];
  }

  clear(): void {
    this.#records.clear();
    this.#byOrigin.clear();
    this.#nextId = 1;
  }

  /**
   * A deleted company/contact disappears from every binding (`ProcessCompanyDeletion`): the single
   * field is cleared, the list loses the id and the single field follows the list's first entry.
   */
  unbind(one: string, many: string | undefined, id: number): void {
    for (const record of this.#records.values()) {
      const list = many === undefined ? undefined : record[many];
      if (many !== undefined && Array.isArray(list) && list.includes(id)) {
        const rest = list.filter((item) => item !== id);
        record[many] = rest;
        record[one] = rest[0] ?? null;
      } else if (record[one] === id) {
        record[one] = null;
      }
    }
  }

  protected allocateId(): number {
    return this.#nextId++;
  }

  protected save(id: number, record: StoredRecord): void {
    const previous = this.#records.get(id);
    if (previous !== undefined) {
      this.#unindex(id, previous);
    }
    this.#records.set(id, record);
    if (record.ORIGIN_ID != null) {
      const key = String(record.ORIGIN_ID).toLowerCase();
      this.#byOrigin.set(key, (this.#byOrigin.get(key) ?? new Set()).add(id));
    }
  }

  #unindex(id: number, record: StoredRecord): void {
    if (record.ORIGIN_ID != null) {
      this.#byOrigin.get(String(record.ORIGIN_ID).toLowerCase())?.delete(id);
    }
  }

  /** Records an ORIGIN_ID equality can match, or every record; the filter still decides. */
  #candidates(filter: readonly FilterCondition[]): StoredRecord[] {
    const keys = equalityKeys(filter, 'ORIGIN_ID');
    if (keys === undefined) {
      return [...this.#records.values()];
    }
    const ids = new Set(keys.flatMap((key) => [...(this.#byOrigin.get(key) ?? [])]));
    return [...ids]
      .map((id) => this.#records.get(id))
      .filter((record): record is StoredRecord => record !== undefined);
  }

  protected require(id: number): StoredRecord {
    const record = this.#records.get(id);
    if (record === undefined) {
      throw crmError('Not found');
    }
    return record;
  }
}

/**
 * A primary binding plus its list (deal CONTACT_ID/CONTACT_IDS, contact COMPANY_ID/COMPANY_IDS): a
 * list in the input replaces the bindings and its first entry becomes primary; a primary alone moves
 * to the front of the current list (0 or empty drops the old primary).
 */
export function bindPrimary(
  record: StoredRecord,
  input: StoredRecord,
  current: StoredRecord,
  one: string,
  many: string,
): void {
  const list = input[many];
  const before = idList(current[many]);
  if (Array.isArray(list)) {
    record[many] = [...list];
  } else if (input[one] !== undefined) {
    const primary = Number(input[one] ?? 0);
    const rest = before.filter((id) => id !== primary && id !== current[one]);
    record[many] = primary > 0 ? [primary, ...rest] : rest;
  } else {
    record[many] = before;
  }
  record[one] = idList(record[many])[0] ?? null;
}

function idList(value: StoredValue | undefined): number[] {
  return Array.isArray(value) ? [...value] : [];
}

/** The CRM stores datetimes in whole seconds (MySQL DATETIME): two writes in one second share DATE_MODIFY. */
export function wholeSeconds(ctx: WriteContext): WriteContext {
  return { ...ctx, nowMs: Math.floor(ctx.nowMs / 1000) * 1000 };
}

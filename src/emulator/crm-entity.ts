import type { ClientStore } from './client-store.js';
import type { CrmEntityStore, WriteContext } from './crm-entity-store.js';
import type { StoredRecord } from './deal-fields.js';
import type { DealStore } from './deal-store.js';
import { printMultiValues, readMultiInput, type MultiInput, type PrintedMultiValue } from './multi-fields.js';
import type { PortalOffset } from './portal-time.js';
import type { ProductRowStore } from './product-rows.js';

export type CrmEntityName = 'deal' | 'company' | 'contact';

/** What the entity operations need of the portal (a subset of the REST method services). */
export interface CrmStores {
  deals: DealStore;
  companies: ClientStore;
  contacts: ClientStore;
  productRows: ProductRowStore;
  offset(): PortalOffset;
}

/** A record as `crm.*.get` prints it: strings or null, plus multi-field lists for companies and contacts. */
export type PrintedRecord = Record<string, string | null | PrintedMultiValue[]>;

type WritableStore = CrmEntityStore & {
  add(input: StoredRecord, ctx: WriteContext, multi?: MultiInput): number;
  update(id: number, input: StoredRecord, ctx: WriteContext, multi?: MultiInput): void;
};

/** The one place that knows which store serves an entity and what a deletion unbinds elsewhere. */
export function entityStore(stores: CrmStores, entity: CrmEntityName): WritableStore {
  switch (entity) {
    case 'deal':
      return stores.deals;
    case 'company':
      return stores.companies;
    case 'contact':
      return stores.contacts;
  }
}

export function addRecord(
  stores: CrmStores,
  entity: CrmEntityName,
  fields: Record<string, unknown>,
  ctx: WriteContext,
  isImport = false,
): number {
  const store = entityStore(stores, entity);
  const input = store.fieldMap.internalize(fields, 'add', stores.offset(), isImport);
  return store.add(input, ctx, readMultiInput(fields));
}

export function updateRecord(
  stores: CrmStores,
  entity: CrmEntityName,
  id: number,
  fields: Record<string, unknown>,
  ctx: WriteContext,
): void {
  const store = entityStore(stores, entity);
  const input = store.fieldMap.internalize(fields, 'update', stores.offset());
  store.update(id, input, ctx, readMultiInput(fields));
}

/**
 * Deleting a company clears it from deals and contacts, deleting a contact from deals
 * (`ProcessCompanyDeletion`/`ProcessContactDeletion`); a deal takes its product rows along.
 */
export function deleteRecord(stores: CrmStores, entity: CrmEntityName, id: number): void {
  entityStore(stores, entity).delete(id);
  switch (entity) {
    case 'deal':
      stores.productRows.delete(id);
      return;
    case 'company':
      stores.deals.unbind('COMPANY_ID', undefined, id);
      stores.contacts.unbind('COMPANY_ID', 'COMPANY_IDS', id);
      return;
    case 'contact':
      stores.deals.unbind('CONTACT_ID', 'CONTACT_IDS', id);
      return;
  }
}

/**
 * `crm.*.get` prints every field and the multi-fields that have values; `crm.*.list` prints the selected
 * fields and a multi-field only when the select names it (bitrix24-api.md §5b).
 */
export function printRecord(
  stores: CrmStores,
  entity: CrmEntityName,
  record: StoredRecord,
  select?: { fields: ReadonlySet<string>; multi: ReadonlySet<string> },
): PrintedRecord {
  const store = entityStore(stores, entity);
  const printed: PrintedRecord = store.fieldMap.externalize(record, stores.offset(), select?.fields);
  const multi = store.multiValues(Number(record.ID));
  return { ...printed, ...printMultiValues(multi, select?.multi) };
}

export function printAll(stores: CrmStores, entity: CrmEntityName): PrintedRecord[] {
  return entityStore(stores, entity)
    .all()
    .map((record) => printRecord(stores, entity, record));
}

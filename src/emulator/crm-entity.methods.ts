import { resolveArrayParam, resolveEntityId } from './crm-params.js';
import {
  addRecord,
  deleteRecord,
  entityStore,
  printRecord,
  updateRecord,
  type CrmEntityName,
} from './crm-entity.js';
import { parseFilter, parseOrder } from './crm-filter.js';
import type { CrmFieldDef, CrmFieldMap, StoredRecord } from './deal-fields.js';
import { isMultiFieldType, MULTI_FIELD_TYPES, type MultiFieldType } from './multi-fields.js';
import { phpEntries, phpStrval, phpTruthy } from './php-query.js';
import type { CallContext, MethodResult, MethodServices, RestMethod } from './rest-method.js';

/**
 * `crm.deal.*`, `crm.company.*` and `crm.contact.*` (scope crm) as served by the CRM REST proxies
 * (bitrix24-api.md §5.2–§5.8, §5b): one implementation, the entity decides the store and field map.
 */
export function crmEntityMethods(entity: CrmEntityName): RestMethod[] {
  const method = (action: string, handler: (ctx: CallContext) => MethodResult): RestMethod => ({
    name: `crm.${entity}.${action}`,
    scope: 'crm',
    handler,
  });
  return [
    method('add', (ctx) => entityAdd(entity, ctx)),
    method('update', (ctx) => entityUpdate(entity, ctx)),
    method('get', ({ params, services }) => ({
      result: printRecord(services, entity, entityStore(services, entity).get(resolveEntityId(params))),
    })),
    method('delete', ({ params, services }) => {
      deleteRecord(services, entity, resolveEntityId(params));
      services.onWrite(`crm.${entity}.delete`);
      return { result: true };
    }),
    method('list', (ctx) => entityList(entity, ctx)),
    method('fields', ({ services }) => ({ result: describeFields(entity, services) })),
  ];
}

function entityAdd(entity: CrmEntityName, { params, caller, services }: CallContext): MethodResult {
  const fields = resolveArrayParam(params, 'fields');
  const options = resolveArrayParam(params, 'params');
  const ctx = { userId: caller.userId, nowMs: services.nowMs() };
  const id = addRecord(services, entity, fields, ctx, phpTruthy(options.IMPORT));
  services.onWrite(`crm.${entity}.add`);
  if (entity === 'deal') {
    services.onAutomation();
  }
  return { result: id };
}

function entityUpdate(entity: CrmEntityName, { params, caller, services }: CallContext): MethodResult {
  const id = resolveEntityId(params);
  const fields = resolveArrayParam(params, 'fields');
  resolveArrayParam(params, 'params');
  updateRecord(services, entity, id, fields, { userId: caller.userId, nowMs: services.nowMs() });
  services.onWrite(`crm.${entity}.update`);
  return { result: true };
}

function entityList(entity: CrmEntityName, { params, start, services }: CallContext): MethodResult {
  const store = entityStore(services, entity);
  const order = parseOrder(resolveArrayParam(params, 'order'), store.fieldMap);
  const rawFilter = resolveArrayParam(params, 'filter');
  const filter = parseFilter(rawFilter, store.fieldMap);
  const select = resolveSelect(params.select ?? params.SELECT, store.fieldMap);
  const multi = entity === 'deal' ? new Set<string>() : selectedMultiFields(params.select ?? params.SELECT);
  const page = store.list(filter, order, start, multiFieldFilter(rawFilter, services, entity));
  const rows = page.rows.map((record) => printRecord(services, entity, record, { fields: select, multi }));
  return { result: rows, total: page.total ?? 0, ...(page.next === undefined ? {} : { next: page.next }) };
}

/**
 * Select masks: '*' = all system fields, 'UF_*' = all user fields, explicit names as given, unknown
 * names dropped. Empty (or nothing valid) selects '*' + 'UF_*', the documented default; ID is added
 * only together with '*' (`shouldAddIdentityFieldToSelect`). Multi-fields are never part of a mask.
 */
export function resolveSelect(select: unknown, fields: CrmFieldMap): Set<string> {
  const names = phpEntries(select).map(([, name]) => phpStrval(name));
  const selected = new Set<string>();
  const readable = (field: CrmFieldDef) => !field.writeOnly && !field.multiple;
  for (const name of names) {
    if (name === '*') {
      fields.fields
        .filter((field) => readable(field) && !field.userField)
        .forEach((f) => selected.add(f.name));
    } else if (name === 'UF_*') {
      fields.userFields.forEach((field) => selected.add(field.name));
    } else {
      const field = fields.get(name);
      if (field !== undefined && readable(field)) {
        selected.add(field.name);
      }
    }
  }
  if (selected.size === 0) {
    fields.fields.filter(readable).forEach((field) => selected.add(field.name));
  }
  return selected;
}

function selectedMultiFields(select: unknown): Set<string> {
  return new Set(
    phpEntries(select)
      .map(([, name]) => phpStrval(name))
      .filter(isMultiFieldType),
  );
}

/** `EMAIL`/`PHONE`/… filter keys (plain or `=`) match a record having that value, case-insensitively. */
function multiFieldFilter(
  filter: Record<string, unknown>,
  services: MethodServices,
  entity: CrmEntityName,
): (record: StoredRecord) => boolean {
  const wanted: Array<[MultiFieldType, string]> = [];
  for (const [key, value] of phpEntries(filter)) {
    const name = key.replace(/^=/, '');
    if (entity !== 'deal' && isMultiFieldType(name)) {
      wanted.push([name, phpStrval(value).toLowerCase()]);
    }
  }
  const store = entityStore(services, entity);
  return (record) =>
    wanted.every(([type, value]) =>
      store
        .multiValues(Number(record.ID))
        .some((item) => item.typeId === type && item.value.toLowerCase() === value),
    );
}

function describeFields(entity: CrmEntityName, services: MethodServices): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const field of entityStore(services, entity).fieldMap.fields) {
    info[field.name] = {
      type: field.type,
      isRequired: false,
      isReadOnly: field.readOnly === true,
      isImmutable: field.immutable === true,
      isMultiple: field.multiple === true,
      isDynamic: field.userField === true,
      title: field.title,
      ...(field.statusType === undefined ? {} : { statusType: field.statusType }),
      ...(field.userField
        ? { listLabel: field.title, formLabel: field.title, filterLabel: field.title }
        : {}),
      ...(field.name === 'CURRENCY_ID' ? { items: currencyItems(services.catalog.currencies) } : {}),
    };
  }
  if (entity !== 'deal') {
    for (const type of MULTI_FIELD_TYPES) {
      info[type] = {
        type: 'crm_multifield',
        isRequired: false,
        isReadOnly: false,
        isImmutable: false,
        isMultiple: true,
        isDynamic: false,
        title: type,
      };
    }
  }
  return info;
}

function currencyItems(currencies: readonly string[]): Array<{ ID: string; VALUE: string }> {
  return currencies.map((code) => ({ ID: code, VALUE: code }));
}

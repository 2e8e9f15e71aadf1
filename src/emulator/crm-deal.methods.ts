import { resolveArrayParam, resolveEntityId } from './crm-params.js';
import type { DealFieldDef, DealFieldMap } from './deal-fields.js';
import { parseDealFilter, parseDealOrder } from './deal-filter.js';
import { phpEntries, phpStrval, phpTruthy } from './php-query.js';
import type { CallContext, MethodResult, RestMethod } from './rest-method.js';

/** `crm.deal.*` (scope crm) as served by `CCrmDealRestProxy` (bitrix24-api.md §5.2–§5.8). */
export const CRM_DEAL_METHODS: readonly RestMethod[] = [
  { name: 'crm.deal.add', scope: 'crm', handler: dealAdd },
  { name: 'crm.deal.update', scope: 'crm', handler: dealUpdate },
  { name: 'crm.deal.get', scope: 'crm', handler: dealGet },
  { name: 'crm.deal.delete', scope: 'crm', handler: dealDelete },
  { name: 'crm.deal.list', scope: 'crm', handler: dealList },
  { name: 'crm.deal.fields', scope: 'crm', handler: dealFields },
];

function dealAdd({ params, caller, services }: CallContext): MethodResult {
  const fields = resolveArrayParam(params, 'fields');
  const options = resolveArrayParam(params, 'params');
  const input = services.fields.internalize(fields, 'add', services.offset(), phpTruthy(options.IMPORT));
  const id = services.deals.add(input, { userId: caller.userId, nowMs: services.nowMs() });
  services.onWrite('crm.deal.add');
  return { result: id };
}

function dealUpdate({ params, caller, services }: CallContext): MethodResult {
  const id = resolveEntityId(params);
  const fields = resolveArrayParam(params, 'fields');
  resolveArrayParam(params, 'params');
  const input = services.fields.internalize(fields, 'update', services.offset());
  services.deals.update(id, input, { userId: caller.userId, nowMs: services.nowMs() });
  services.onWrite('crm.deal.update');
  return { result: true };
}

function dealGet({ params, services }: CallContext): MethodResult {
  const id = resolveEntityId(params);
  return { result: services.fields.externalize(services.deals.get(id), services.offset()) };
}

function dealDelete({ params, services }: CallContext): MethodResult {
  const id = resolveEntityId(params);
  services.deals.delete(id);
  services.onWrite('crm.deal.delete');
  return { result: true };
}

function dealList({ params, start, services }: CallContext): MethodResult {
  const order = parseDealOrder(resolveArrayParam(params, 'order'), services.fields);
  const filter = parseDealFilter(resolveArrayParam(params, 'filter'), services.fields);
  const selectParam = params.select ?? params.SELECT;
  const select = resolveSelect(selectParam, services.fields);
  const page = services.deals.list(filter, order, start);
  const offset = services.offset();
  const rows = page.rows.map((deal) => services.fields.externalize(deal, offset, select));
  return { result: rows, total: page.total ?? 0, ...(page.next === undefined ? {} : { next: page.next }) };
}

/**
 * Select masks: '*' = all system fields, 'UF_*' = all user fields, explicit names as given, unknown
 * names dropped. Empty (or nothing valid) selects '*' + 'UF_*', the documented default; ID is added
 * only together with '*' (`shouldAddIdentityFieldToSelect`).
 */
export function resolveSelect(select: unknown, fields: DealFieldMap): Set<string> {
  const names = phpEntries(select).map(([, name]) => phpStrval(name));
  const selected = new Set<string>();
  const readable = (field: DealFieldDef) => !field.writeOnly && !field.multiple;
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

function dealFields({ services }: CallContext): MethodResult {
  const info: Record<string, unknown> = {};
  for (const field of services.fields.fields) {
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
  return { result: info };
}

function currencyItems(currencies: readonly string[]): Array<{ ID: string; VALUE: string }> {
  return currencies.map((code) => ({ ID: code, VALUE: code }));
}

import { ItemFieldNames } from './crm-item.fields.js';
import { parseFilter, parseOrder } from './crm-filter.js';
import { isPhpArray, phpEntries, phpIntval, phpStrval } from './php-query.js';
import { RestError } from './rest-error.js';
import type { CallContext, MethodResult, RestMethod } from './rest-method.js';

/** `crm.item.*` for deals only (entityTypeId 2) over the same store as `crm.deal.*` (bitrix24-api.md §5.10). */
export const CRM_ITEM_METHODS: readonly RestMethod[] = [
  { name: 'crm.item.add', scope: 'crm', handler: withItemErrors(itemAdd) },
  { name: 'crm.item.update', scope: 'crm', handler: withItemErrors(itemUpdate) },
  { name: 'crm.item.get', scope: 'crm', handler: withItemErrors(itemGet) },
  { name: 'crm.item.delete', scope: 'crm', handler: withItemErrors(itemDelete) },
  { name: 'crm.item.list', scope: 'crm', handler: withItemErrors(itemList) },
  { name: 'crm.item.fields', scope: 'crm', handler: withItemErrors(itemFields) },
  { name: 'crm.item.batchImport', scope: 'crm', handler: withItemErrors(itemBatchImport) },
];

/** `crm.item.batchImport` takes at most this many items per call (bitrix24-api.md §5b). */
export const MAX_IMPORT_BATCH_SIZE = 20;

const DEAL_ENTITY_TYPE_ID = 2;

function names({ params, services }: CallContext): ItemFieldNames {
  if (params.entityTypeId === undefined) {
    throw new RestError('100', 'Could not find value for parameter {entityTypeId}');
  }
  if (phpIntval(params.entityTypeId) !== DEAL_ENTITY_TYPE_ID) {
    throw new RestError('NOT_FOUND', 'Smart process not found');
  }
  return new ItemFieldNames(services.fields, phpStrval(params.useOriginalUfNames).toUpperCase() === 'Y');
}

function itemId(params: Record<string, unknown>): number {
  if (params.id === undefined) {
    throw new RestError('100', 'Could not find value for parameter {id}');
  }
  return phpIntval(params.id);
}

function fieldsParam(params: Record<string, unknown>): Record<string, unknown> {
  return isPhpArray(params.fields) ? Object.fromEntries(phpEntries(params.fields)) : {};
}

function itemAdd(ctx: CallContext): MethodResult {
  const map = names(ctx);
  const { services, caller } = ctx;
  const input = services.fields.internalize(
    map.toDealInput(fieldsParam(ctx.params)),
    'add',
    services.offset(),
  );
  const id = services.deals.add(input, { userId: caller.userId, nowMs: services.nowMs() });
  services.onWrite('crm.item.add');
  services.onAutomation();
  return { result: { item: map.toItem(services.deals.get(id), services.offset()) } };
}

function itemUpdate(ctx: CallContext): MethodResult {
  const map = names(ctx);
  const { services, caller } = ctx;
  const id = itemId(ctx.params);
  const raw = map.toDealInput(fieldsParam(ctx.params));
  const input = services.fields.internalize(raw, 'update', services.offset());
  if (raw.CATEGORY_ID !== undefined) {
    input.CATEGORY_ID = Math.max(0, phpIntval(raw.CATEGORY_ID));
  }
  services.deals.update(id, input, { userId: caller.userId, nowMs: services.nowMs() });
  services.onWrite('crm.item.update');
  return { result: { item: map.toItem(services.deals.get(id), services.offset()) } };
}

function itemGet(ctx: CallContext): MethodResult {
  const map = names(ctx);
  return { result: { item: map.toItem(ctx.services.deals.get(itemId(ctx.params)), ctx.services.offset()) } };
}

function itemDelete(ctx: CallContext): MethodResult {
  names(ctx);
  ctx.services.deals.delete(itemId(ctx.params));
  ctx.services.onWrite('crm.item.delete');
  return { result: [] };
}

/** Unknown filter/order fields are errors here, unlike crm.deal.list. */
function itemList(ctx: CallContext): MethodResult {
  const map = names(ctx);
  const { services, params, start } = ctx;
  const filter: Record<string, unknown> = {};
  for (const [key, value] of phpEntries(params.filter)) {
    const match = /^(>=|<=|!@|!=|!%|=%|%=|>|<|@|%|=|!)?(.*)$/s.exec(key);
    const upper = map.upper(match?.[2] ?? '');
    if (upper === undefined) {
      throw new RestError(
        'INVALID_ARG_VALUE',
        `Invalid filter: field '${match?.[2] ?? key}' is not allowed in filter`,
      );
    }
    filter[`${match?.[1] ?? ''}${upper}`] = value;
  }
  const order: Record<string, unknown> = {};
  for (const [key, direction] of phpEntries(params.order)) {
    const upper = map.upper(key);
    if (upper === undefined) {
      throw new RestError('INVALID_ARG_VALUE', `Invalid order: field '${key}' is not allowed in order`);
    }
    order[upper] = direction;
  }
  const select = phpEntries(params.select).map(([, name]) => phpStrval(name));
  const only =
    select.length === 0 || select.includes('*')
      ? undefined
      : new Set([
          'ID',
          ...select.map((name) => map.upper(name)).filter((name): name is string => name !== undefined),
        ]);
  const page = services.deals.list(
    parseFilter(filter, services.fields),
    parseOrder(order, services.fields),
    start,
  );
  const items = page.rows.map((deal) => map.toItem(deal, services.offset(), only));
  return {
    result: { items },
    total: page.total ?? 0,
    ...(page.next === undefined ? {} : { next: page.next }),
  };
}

function itemFields(ctx: CallContext): MethodResult {
  const map = names(ctx);
  const fields: Record<string, unknown> = {};
  for (const field of ctx.services.fields.fields) {
    const name = map.toItem({}, ctx.services.offset(), new Set([field.name]));
    fields[Object.keys(name)[0] ?? field.name] = {
      type: field.type,
      isRequired: false,
      isReadOnly: field.readOnly === true,
      isImmutable: false,
      isMultiple: field.multiple === true,
      isDynamic: field.userField === true,
      title: field.title,
      upperName: field.name,
    };
  }
  return { result: { fields } };
}

/**
 * Import differs from add: automation rules and business processes do not run, and an admin may set
 * createdTime/updatedTime/createdBy/updatedBy. Each item succeeds or fails on its own.
 */
function itemBatchImport(ctx: CallContext): MethodResult {
  const map = names(ctx);
  const { services, caller, params } = ctx;
  if (params.data === undefined) {
    throw new RestError('100', 'Could not find value for parameter {data}');
  }
  const data = phpEntries(params.data).map(([, item]) => item);
  if (data.length > MAX_IMPORT_BATCH_SIZE) {
    throw new RestError('MAX_IMPORT_BATCH_SIZE_EXCEEDED', 'You cannot import more than 20 items');
  }
  const admin = services.catalog.user(caller.userId)?.admin === true;
  const items = data.map((fields) => {
    try {
      const raw = map.toDealInput(isPhpArray(fields) ? Object.fromEntries(phpEntries(fields)) : {});
      const input = services.fields.internalize(raw, 'add', services.offset(), admin);
      const id = services.deals.add(input, { userId: caller.userId, nowMs: services.nowMs() });
      services.onWrite('crm.item.batchimport');
      return { item: { id } };
    } catch (error) {
      const itemError = asItemError(error);
      if (!(itemError instanceof RestError)) {
        throw itemError;
      }
      return itemError.body();
    }
  });
  return { result: { items }, units: Math.max(1, data.length) };
}

/** CRM business errors surface with controller codes here ("Item not found", CRM_FIELD_ERROR_VALUE_NOT_VALID). */
function withItemErrors(handler: (ctx: CallContext) => MethodResult): (ctx: CallContext) => MethodResult {
  return (ctx) => {
    try {
      return handler(ctx);
    } catch (error) {
      throw asItemError(error);
    }
  };
}

function asItemError(error: unknown): unknown {
  if (error instanceof RestError && error.code === '') {
    return error.description === 'Not found'
      ? new RestError('NOT_FOUND', 'Item not found')
      : new RestError('CRM_FIELD_ERROR_VALUE_NOT_VALID', error.description);
  }
  return error;
}

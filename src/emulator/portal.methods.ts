import { resolveArrayParam } from './crm-params.js';
import { DEAL_TYPES, SOURCES, StageSemantic, type PortalCatalog } from './portal-catalog.js';
import { formatDateTime } from './portal-time.js';
import { phpEntries, phpIntval, phpStrval, phpTruthy } from './php-query.js';
import { RestError } from './rest-error.js';
import { IMPLICIT_SCOPES, type CallContext, type MethodResult, type RestMethod } from './rest-method.js';

/** Reference-data and identity methods a sync client's `check` needs (stages, funnels, currencies, who am I). */
export const PORTAL_METHODS: readonly RestMethod[] = [
  { name: 'crm.status.list', scope: 'crm', handler: statusList },
  { name: 'crm.dealcategory.list', scope: 'crm', handler: dealCategoryList },
  { name: 'crm.dealcategory.stage.list', scope: 'crm', handler: dealCategoryStageList },
  { name: 'crm.category.list', scope: 'crm', handler: categoryList },
  { name: 'crm.currency.list', scope: 'crm', handler: currencyList },
  {
    name: 'crm.currency.base.get',
    scope: 'crm',
    handler: ({ services }) => ({ result: services.catalog.baseCurrency }),
  },
  { name: 'profile', scope: 'basic', handler: profile },
  { name: 'user.current', scope: 'user', handler: userCurrent },
  { name: 'scope', scope: '_global', handler: scope },
  { name: 'server.time', scope: '_global', handler: serverTime },
];

/** Every scope the emulated portal knows (what `scope?full=true` lists). */
export const KNOWN_SCOPES = ['crm', 'user', 'basic', 'department', 'task', 'im'] as const;

type Row = Record<string, unknown>;

function statusRows(catalog: PortalCatalog): Row[] {
  const rows: Row[] = [];
  let id = 1;
  for (const category of catalog.categories) {
    const entityId = category.id === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${category.id}`;
    for (const stage of catalog.stages(category.id)) {
      rows.push({
        ID: String(id++),
        ENTITY_ID: entityId,
        STATUS_ID: stage.statusId,
        NAME: stage.name,
        NAME_INIT: stage.name,
        SORT: String(stage.sort),
        SYSTEM: 'Y',
        CATEGORY_ID: String(category.id),
        COLOR: stage.color,
        SEMANTICS: stage.semantic === StageSemantic.Process ? null : stage.semantic,
        EXTRA: { SEMANTICS: semanticName(stage.semantic), COLOR: stage.color },
      });
    }
  }
  const simple = (entityId: string, items: ReadonlyArray<{ statusId: string; name: string }>) =>
    items.forEach((item, index) =>
      rows.push({
        ID: String(id++),
        ENTITY_ID: entityId,
        STATUS_ID: item.statusId,
        NAME: item.name,
        NAME_INIT: item.name,
        SORT: String((index + 1) * 10),
        SYSTEM: 'Y',
        CATEGORY_ID: null,
        COLOR: null,
        SEMANTICS: null,
      }),
    );
  simple('DEAL_TYPE', DEAL_TYPES);
  simple('SOURCE', SOURCES);
  return rows;
}

function semanticName(semantic: StageSemantic): string {
  switch (semantic) {
    case StageSemantic.Process:
      return 'process';
    case StageSemantic.Success:
      return 'success';
    case StageSemantic.Failure:
      return 'failure';
  }
}

function statusList({ params, services }: CallContext): MethodResult {
  const filter = phpEntries(resolveArrayParam(params, 'filter'));
  const rows = statusRows(services.catalog).filter((row) =>
    filter.every(([key, value]) => !(key in row) || phpStrval(row[key]) === phpStrval(value)),
  );
  const order = phpEntries(resolveArrayParam(params, 'order'));
  const [orderKey, direction] = order[0] ?? ['SORT', 'ASC'];
  const sign = phpStrval(direction).toUpperCase() === 'DESC' ? -1 : 1;
  const numeric = orderKey === 'SORT' || orderKey === 'ID';
  rows.sort((a, b) => {
    const left = numeric ? Number(a[orderKey]) : phpStrval(a[orderKey]);
    const right = numeric ? Number(b[orderKey]) : phpStrval(b[orderKey]);
    return (left < right ? -1 : left > right ? 1 : 0) * sign;
  });
  return { result: rows, total: rows.length };
}

function dealCategoryList({ services }: CallContext): MethodResult {
  const rows = services.catalog.categories
    .filter((category) => category.id > 0)
    .map((category) => ({
      ID: String(category.id),
      CREATED_DATE: formatDateTime(0, services.offset()),
      NAME: category.name,
      IS_LOCKED: 'N',
      SORT: String(category.sort),
    }));
  return { result: rows, total: rows.length };
}

function dealCategoryStageList({ params, services }: CallContext): MethodResult {
  const id = phpIntval(params.id ?? params.ID);
  if (services.catalog.category(id) === undefined) {
    return { result: [] };
  }
  const rows = services.catalog.stages(id).map((stage) => ({
    NAME: stage.name,
    SORT: String(stage.sort),
    STATUS_ID: stage.statusId,
  }));
  return { result: rows };
}

function categoryList({ params, services }: CallContext): MethodResult {
  if (phpIntval(params.entityTypeId) !== 2) {
    throw new RestError('NOT_FOUND', 'Smart process not found');
  }
  const categories = services.catalog.categories.map((category) => ({
    id: category.id,
    name: category.name,
    sort: category.sort,
    entityTypeId: 2,
    isDefault: category.id === 0 ? 'Y' : 'N',
  }));
  return { result: { categories }, total: categories.length };
}

function currencyList({ services }: CallContext): MethodResult {
  const base = services.catalog.baseCurrency;
  const rows = services.catalog.currencies.map((code, index) => ({
    CURRENCY: code,
    AMOUNT_CNT: '1',
    AMOUNT: code === base ? '1.0000' : '100.0000',
    SORT: String((index + 1) * 100),
    BASE: code === base ? 'Y' : 'N',
    FULL_NAME: services.catalog.currencyName(code),
    LID: 'en',
    FORMAT_STRING: `# ${code}`,
    DEC_POINT: '.',
    THOUSANDS_SEP: ' ',
    DECIMALS: '2',
  }));
  return { result: rows };
}

function profile({ caller, services }: CallContext): MethodResult {
  const user = services.catalog.user(caller.userId);
  return {
    result: {
      ID: String(caller.userId),
      ADMIN: user?.admin ?? false,
      NAME: user?.name ?? '',
      LAST_NAME: user?.lastName ?? '',
      PERSONAL_GENDER: '',
      TIME_ZONE: '',
      TIME_ZONE_OFFSET: services.offset().minutes * 60,
    },
  };
}

function userCurrent({ caller, services }: CallContext): MethodResult {
  const user = services.catalog.user(caller.userId);
  return {
    result: {
      ID: String(caller.userId),
      ACTIVE: user?.active ?? true,
      NAME: user?.name ?? '',
      LAST_NAME: user?.lastName ?? '',
      EMAIL: `${user?.login ?? 'user'}@example.test`,
      TIME_ZONE_OFFSET: String(services.offset().minutes * 60),
    },
  };
}

function scope({ params, caller }: CallContext): MethodResult {
  if (phpTruthy(params.full)) {
    return { result: [...KNOWN_SCOPES] };
  }
  return { result: [...caller.scopes].filter((name) => !IMPLICIT_SCOPES.has(name)) };
}

function serverTime({ services }: CallContext): MethodResult {
  return { result: formatDateTime(services.nowMs(), services.offset()) };
}

import type { CrmFields } from './crm-entity.types.js';

/**
 * `crm.item.*` names of deal fields (bitrix24-api.md §5.10): camelCase (`STAGE_ID` → `stageId`,
 * `ORIGINATOR_ID` → `originatorId`), a few renamed; user fields keep `UF_CRM_*` since every call passes
 * `useOriginalUfNames: 'Y'`.
 */
const RENAMED: Readonly<Record<string, string>> = {
  CREATED_BY_ID: 'createdBy',
  MODIFY_BY_ID: 'updatedBy',
  MOVED_BY_ID: 'movedBy',
  DATE_CREATE: 'createdTime',
  DATE_MODIFY: 'updatedTime',
};

/** Deals are entity type 2 of the universal API. */
export const DEAL_ENTITY_TYPE_ID = 2;

/** What every `crm.item.*` call of ours carries besides its own parameters. */
export const ITEM_CALL = { entityTypeId: DEAL_ENTITY_TYPE_ID, useOriginalUfNames: 'Y' } as const;

export function itemFieldName(name: string): string {
  if (name.startsWith('UF_')) {
    return name;
  }
  return (
    RENAMED[name] ??
    name
      .toLowerCase()
      .split('_')
      .map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
      .join('')
  );
}

export function toItemFields(fields: CrmFields): CrmFields {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [itemFieldName(name), value]));
}

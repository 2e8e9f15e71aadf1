/**
 * Where an operator opens a record in the portal. Only the configured portal's origin is used: a webhook
 * URL's path carries its secret, and a path or credentials never reach a page.
 */
export function portalOrigin(portalUrl: string | undefined): string | null {
  if (portalUrl === undefined) {
    return null;
  }
  try {
    const url = new URL(portalUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

export type CrmEntity = 'deal' | 'company' | 'contact';

/** Bitrix24's own card address of a CRM record (`/crm/deal/details/ID/`, `/crm/company/details/ID/`, …). */
export function crmCardUrl(origin: string | null, entity: CrmEntity, id: number | null): string | null {
  return origin === null || id === null ? null : `${origin}/crm/${entity}/details/${id}/`;
}

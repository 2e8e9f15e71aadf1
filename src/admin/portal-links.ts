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

/** Bitrix24's own card address for a deal (`/crm/deal/details/ID/`). */
export function dealUrl(origin: string | null, dealId: number | null): string | null {
  return origin === null || dealId === null ? null : `${origin}/crm/deal/details/${dealId}/`;
}

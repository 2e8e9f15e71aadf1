import type { RestRoute } from './rest-auth.js';

/**
 * `/rest/{user}/{secret}/{method}[.json|.xml][/]` (webhook) or `/rest/{method}[.json|.xml][/]`
 * (OAuth), bitrix24-api.md §1.1. Undefined for anything else under /rest/ (answered as an unknown
 * method, like a webhook URL missing its user segment). Repeated slashes collapse like nginx's
 * merge_slashes: the jssdk joins client_endpoint '…/rest/' and '/method' into '/rest//method'.
 */
export function parseRestPath(rawPathname: string): RestRoute | undefined {
  const pathname = rawPathname.replace(/\/{2,}/g, '/');
  if (!pathname.startsWith('/rest/')) {
    return undefined;
  }
  const segments = pathname.slice('/rest/'.length).split('/');
  if (segments.at(-1) === '') {
    segments.pop();
  }
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  if (decoded.some((segment) => segment === '')) {
    return undefined;
  }
  if (decoded.length === 3) {
    const [user = '', secret = '', last = ''] = decoded;
    return { kind: 'webhook', user, secret, ...splitTransport(last) };
  }
  if (decoded.length === 1) {
    return { kind: 'oauth', ...splitTransport(decoded[0] ?? '') };
  }
  return undefined;
}

function splitTransport(segment: string): { method: string; transport: string } {
  const match = /^(.+)\.(json|xml)$/i.exec(segment);
  return match
    ? { method: match[1] ?? '', transport: (match[2] ?? '').toLowerCase() }
    : { method: segment, transport: 'json' };
}

import { assignPhpKey, parsePhpQuery, type PhpArray } from './php-query.js';

/**
 * Request parameters the way `CRestUtil::getRequestData` builds them (bitrix24-api.md §1.3): query
 * string and form fields merged; a POST without form fields has its raw body read as JSON when the
 * Content-Type is exactly application/json (a decode failure gives no parameters), else through
 * parse_str; body keys replace query keys of the same name.
 */
export function requestParams(
  httpMethod: string,
  query: string,
  contentType: string | undefined,
  body: Buffer,
): Record<string, unknown> {
  const fromQuery = parsePhpQuery(query);
  if (httpMethod !== 'POST') {
    return fromQuery;
  }
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let form: Record<string, unknown> = {};
  if (mime === 'application/x-www-form-urlencoded') {
    form = parsePhpQuery(body.toString('utf8'));
  } else if (mime === 'multipart/form-data') {
    form = parseMultipart(body, contentType ?? '');
  }
  if (Object.keys(form).length === 0) {
    form = mime === 'application/json' ? parseJsonObject(body) : parsePhpQuery(body.toString('utf8'));
  }
  return { ...fromQuery, ...form };
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (Array.isArray(value)) {
      return Object.fromEntries(value.map((item: unknown, index) => [String(index), item]));
    }
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Text fields of a multipart body (files are ignored: no deal field takes an upload here). */
export function parseMultipart(body: Buffer, contentType: string): PhpArray {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const out: PhpArray = {};
  const marker = boundary?.[1] ?? boundary?.[2]?.trim();
  if (marker === undefined) {
    return out;
  }
  for (const part of body.toString('utf8').split(`--${marker}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) {
      continue;
    }
    const headers = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined || /filename=/i.test(headers)) {
      continue;
    }
    assignPhpKey(out, name, part.slice(split + 4).replace(/\r\n$/, ''));
  }
  return out;
}

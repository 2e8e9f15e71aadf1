/** The portal runs at most 50 commands per `batch` (BATCH_MAX_LENGTH, bitrix24-api.md §4). */
export const BATCH_MAX_COMMANDS = 50;

export type QueryValue =
  string | number | bigint | boolean | Date | null | undefined | QueryObject | QueryValue[];
export interface QueryObject {
  readonly [key: string]: QueryValue;
}

/**
 * Encodes parameters the way PHP's `parse_str` reads them (bitrix24-api.md §1.3): nested keys in
 * brackets (`fields[TITLE]=x`, `select[0]=ID`), every key segment and value percent-encoded, so `+`
 * travels as %2B (a raw `+` means space) and `&`, `#`, `=`, `[` inside values cannot break the command.
 * `undefined` is left out; `null` becomes an empty value (clears a field); booleans become 1/0;
 * dates ISO-8601. Empty arrays and objects have no query form and are left out.
 */
export function encodeQuery(params: QueryObject): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    appendPairs(pairs, encodeURIComponent(key), value);
  }
  return pairs.join('&');
}

function appendPairs(pairs: string[], key: string, value: QueryValue): void {
  if (value === undefined) {
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => appendPairs(pairs, `${key}[${index}]`, item));
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [child, childValue] of Object.entries(value)) {
      appendPairs(pairs, `${key}[${encodeURIComponent(child)}]`, childValue);
    }
    return;
  }
  pairs.push(`${key}=${encodeURIComponent(scalarText(value))}`);
}

function scalarText(value: string | number | bigint | boolean | Date | null): string {
  if (value === null) {
    return '';
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === 'boolean') {
    return value ? '1' : '0';
  }
  return String(value);
}

/** One `cmd` entry: `method?query` (inside a JSON body the string is not encoded a second time). */
export function encodeBatchCommand(method: string, params: QueryObject = {}): string {
  const query = encodeQuery(params);
  return query === '' ? method : `${method}?${query}`;
}

export function chunk<T>(items: readonly T[], size: number = BATCH_MAX_COMMANDS): T[][] {
  if (!(size >= 1)) {
    throw new RangeError(`chunk size must be at least 1, got ${size}`);
  }
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

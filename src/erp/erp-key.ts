const SEPARATOR = '|';
const ESCAPE = '\\';

/**
 * The key as one string (ORIGIN_ID, deal_link.erp_key). A single column is its value as is, so
 * `ORIGIN_ID` reads naturally; a composite key joins its parts with `|`, escaping `\` and `|` inside
 * a part with `\`, so no two distinct keys encode to the same string.
 */
export function encodeErpKey(key: readonly string[]): string {
  if (key.length === 0) {
    throw new Error('an ERP key has at least one column');
  }
  if (key.length === 1) {
    return key[0];
  }
  return key
    .map((part) => part.replaceAll(ESCAPE, ESCAPE + ESCAPE).replaceAll(SEPARATOR, ESCAPE + SEPARATOR))
    .join(SEPARATOR);
}

/**
 * The inverse of encodeErpKey for a key of `columns` columns; undefined when the text is not such a key
 * (wrong number of parts, a dangling `\` or an escape of anything but `\` and `|`).
 */
export function decodeErpKey(erpKey: string, columns: number): string[] | undefined {
  if (columns < 1) {
    return undefined;
  }
  if (columns === 1) {
    return [erpKey];
  }
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < erpKey.length; index++) {
    const char = erpKey[index];
    if (char === ESCAPE) {
      const next = erpKey[index + 1];
      if (next !== ESCAPE && next !== SEPARATOR) {
        return undefined;
      }
      current += next;
      index++;
    } else if (char === SEPARATOR) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.length === columns ? parts : undefined;
}

/** `id = 42` or `(order_id, line_no) = (42, NULL)`: a key as messages show it. */
export function describeKey(columns: readonly string[], values: readonly (string | null)[]): string {
  const shown = values.map((value) => (value === null ? 'NULL' : JSON.stringify(value)));
  if (columns.length === 1) {
    return `${columns[0]} = ${shown[0]}`;
  }
  return `(${columns.join(', ')}) = (${shown.join(', ')})`;
}

/** An empty or all-whitespace key part: no identity, like NULL (ORIGIN_ID "" cannot be looked up again). */
export function isBlankKeyPart(value: string): boolean {
  return value.trim() === '';
}

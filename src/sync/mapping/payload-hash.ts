import { hash } from 'node:crypto';
import { canonicalValue } from './field-value.js';
import type { DealPayload, FieldTypes } from './mapped-payload.js';
import type { CompiledMapping } from './mapping-compiler.js';

const quotedKeys = new Map<string, string>();

/**
 * The payload's canonical text: keys sorted, each value in Bitrix24's terms for its field type, so key
 * order, `"1000.5"` vs `1000.50` money, a date's time part, a datetime's offset, `true` vs `"Y"` and `""`
 * vs null make no difference. Fields missing from `types` are compared as text.
 */
export function canonicalPayload(payload: Readonly<Record<string, unknown>>, types: FieldTypes): string {
  const keys = Object.keys(payload);
  if (!isSorted(keys)) {
    keys.sort();
  }
  let text = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    const value = canonicalValue(types[key] ?? 'string', payload[key]);
    text += `${index === 0 ? '' : ','}${quoteKey(key)}:${value === null ? 'null' : JSON.stringify(value)}`;
  }
  return `${text}}`;
}

/** sha256 hex of the canonical payload: equal hashes mean nothing to send (invariant 3). */
export function hashPayload(payload: Readonly<Record<string, unknown>>, types: FieldTypes): string {
  return hash('sha256', canonicalPayload(payload, types), 'hex');
}

/**
 * hashPayload of mapRow's own output, without sorting keys or looking types up: the compiled mapping
 * already knows both. Equal to `hashPayload(payload, mapping.fieldTypes)` for every mapped payload.
 */
export function hashMappedPayload(mapping: CompiledMapping, payload: DealPayload): string {
  const slots = mapping.payloadOrder;
  let text = '{';
  for (let index = 0; index < slots.length; index++) {
    const { name, type } = slots[index];
    const value = canonicalValue(type, payload[name]);
    text += `${index === 0 ? '' : ','}${quoteKey(name)}:${value === null ? 'null' : JSON.stringify(value)}`;
  }
  return hash('sha256', `${text}}`, 'hex');
}

function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index++) {
    if (keys[index - 1] > keys[index]) {
      return false;
    }
  }
  return true;
}

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) {
      quotedKeys.set(key, quoted);
    }
  }
  return quoted;
}

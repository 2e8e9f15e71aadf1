import { isPhpArray, phpIntval } from './php-query.js';
import { crmError } from './rest-error.js';

/**
 * Lenient top-level parameter names of the CRM REST proxy (`CCrmRestHelper::resolveArrayParam`,
 * bitrix24-api.md §5.2): `fields` is found as FIELDS, fields, Fields or arFields; a missing one is an
 * empty array and a present non-array value is an error.
 */
export function resolveArrayParam(params: Record<string, unknown>, name: string): Record<string, unknown> {
  const candidates = [
    name.toUpperCase(),
    name,
    name[0]?.toUpperCase() + name.slice(1),
    `ar${capitalize(name)}`,
  ];
  const key = candidates.find((candidate) => params[candidate] !== undefined && params[candidate] !== null);
  if (key === undefined) {
    return {};
  }
  const value = params[key];
  if (!isPhpArray(value)) {
    throw crmError(`Parameter '${name}' must be array.`);
  }
  return Array.isArray(value) ? Object.fromEntries(value.map((item, index) => [String(index), item])) : value;
}

/** `id` is read from ID then id and cast with intval; it must be positive. */
export function resolveEntityId(params: Record<string, unknown>): number {
  const raw = params.ID ?? params.id;
  const id = phpIntval(raw);
  if (id <= 0) {
    throw crmError('ID is not defined or invalid.');
  }
  return id;
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

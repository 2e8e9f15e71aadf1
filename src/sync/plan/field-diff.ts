import type { FieldType, Ownership } from '../../config/mapping.schema.js';
import { storableValue } from '../../erp/storable-text.js';
import type { FieldChange } from '../../persistence/entities/sync-operation.entity.js';
import { isEmptyFieldValue, sameFieldValue } from '../mapping/field-value.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { PRODUCT_ROWS } from '../mapping/product-rows.js';
import type { DealPayload } from '../mapping/mapped-payload.js';
import type { BitrixFields, LiveDeal } from './deal-change.js';

export interface FieldDiff {
  readonly fields: BitrixFields;
  readonly changes: Readonly<Record<string, FieldChange>>;
}

export interface KnownDeal {
  /** The deal as read from Bitrix24 now, when the caller fetched it. */
  readonly live: LiveDeal | undefined;
  /** The payload last confirmed pushed. */
  readonly pushed: Readonly<Record<string, unknown>> | null;
}

/** ORIGINATOR_ID/ORIGIN_ID are compared like ERP-owned fields; CATEGORY_ID is immutable on update (§5.4). */
const IDENTITY_ON_UPDATE: readonly { name: string; type: FieldType; ownership: Ownership }[] = [
  { name: 'ORIGINATOR_ID', type: 'string', ownership: 'erp' },
  { name: 'ORIGIN_ID', type: 'string', ownership: 'erp' },
];

/** A deal's product rows are compared with the set last pushed (they are not read back from Bitrix24). */
const PRODUCT_ROWS_ON_UPDATE: readonly { name: string; type: FieldType; ownership: Ownership }[] = [
  { name: PRODUCT_ROWS, type: 'string', ownership: 'erp' },
];

/**
 * The fields an update writes, honouring ownership: `erp` when the value differs in Bitrix24's terms,
 * `fillEmpty` only when live values show the deal's field empty, `createOnly` never. With `force`, every
 * ERP-owned field is written even when it looks equal (a closed deal coming back).
 */
export function diffFields(
  mapping: CompiledMapping,
  payload: DealPayload,
  known: KnownDeal,
  force = false,
): FieldDiff {
  const fields: Record<string, string | number> = {};
  const changes: Record<string, FieldChange> = {};
  const rows = mapping.productRows === undefined ? [] : PRODUCT_ROWS_ON_UPDATE;
  for (const field of [...mapping.fields, ...IDENTITY_ON_UPDATE, ...rows]) {
    const next = payload[field.name] ?? null;
    const liveHas = known.live !== undefined && field.name in known.live;
    const old = liveHas ? known.live?.[field.name] : known.pushed?.[field.name];
    if (!shouldWrite(field.ownership, field.type, next, old, liveHas, force)) {
      continue;
    }
    fields[field.name] = next ?? '';
    // A live value is whatever the portal holds (a NUL typed by hand included): recorded, never synced.
    changes[field.name] = { old: storableValue(old ?? null), new: next };
  }
  return { fields, changes };
}

function shouldWrite(
  ownership: Ownership,
  type: FieldType,
  next: unknown,
  old: unknown,
  liveHas: boolean,
  force: boolean,
): boolean {
  switch (ownership) {
    case 'createOnly':
      return false;
    case 'fillEmpty':
      return liveHas && isEmptyFieldValue(type, old) && !isEmptyFieldValue(type, next);
    case 'erp':
      return force || !sameFieldValue(type, old, next);
  }
}

/**
 * A create writes every mapped field, whatever its ownership; an empty one as `""`, so the portal keeps it
 * empty instead of filling its default (CLOSEDATE = today + 7, bitrix24-api.md §5.3) that a reconcile would
 * then take for a hand edit. Only non-empty fields count as changes.
 */
export function createFields(payload: DealPayload): FieldDiff {
  const fields: Record<string, string | number> = {};
  const changes: Record<string, FieldChange> = {};
  for (const [name, value] of Object.entries(payload)) {
    fields[name] = value ?? '';
    if (value !== null) {
      changes[name] = { old: null, new: value };
    }
  }
  return { fields, changes };
}

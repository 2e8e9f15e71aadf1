import type { AttentionGroupRow } from '../persistence/sync-console.repository.js';
import type { AttentionGroupView } from './admin.responses.js';
import type { Redact } from './sync-log.views.js';
import { splitStoredError } from './stored-error.js';

/** A group of rows failing for one reason: the normalised error split into code and message, and an example. */
export function toAttentionGroupView(row: AttentionGroupRow, redact: Redact): AttentionGroupView {
  const normalised = splitStoredError(row.fingerprint);
  const example = splitStoredError(row.exampleError);
  return {
    mapping: row.mapping,
    fingerprint: row.fingerprint,
    code: normalised.code,
    message: redact(normalised.message),
    rows: row.rows,
    parked: row.parked,
    example: { erpKey: row.exampleKey, code: example.code, message: redact(example.message) },
    lastFailedAt: row.lastFailedAt.toISOString(),
  };
}

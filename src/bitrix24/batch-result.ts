/**
 * Reads the `result` of a `batch` answer (bitrix24-api.md §4): per command key a value in `result`,
 * or `{error, error_description}` in `result_error`, plus `result_time` / `result_total` / `result_next`.
 * Empty sections arrive as `[]`. A key found in neither section is reported as missing, never guessed.
 */
export type BatchEntry =
  | {
      readonly kind: 'result';
      readonly value: unknown;
      readonly time: unknown;
      readonly total?: number;
      readonly next?: number;
    }
  | { readonly kind: 'error'; readonly code: string; readonly description: string; readonly time: unknown }
  | { readonly kind: 'missing' };

export function readBatchResult(keys: readonly string[], payload: unknown): Map<string, BatchEntry> {
  const body = asRecord(payload);
  const results = section(body, 'result');
  const errors = section(body, 'result_error');
  const times = section(body, 'result_time');
  const totals = section(body, 'result_total');
  const nexts = section(body, 'result_next');
  const entries = new Map<string, BatchEntry>();
  for (const key of keys) {
    entries.set(key, readEntry(key, { results, errors, times, totals, nexts }));
  }
  return entries;
}

interface Sections {
  results: Record<string, unknown>;
  errors: Record<string, unknown>;
  times: Record<string, unknown>;
  totals: Record<string, unknown>;
  nexts: Record<string, unknown>;
}

function readEntry(key: string, sections: Sections): BatchEntry {
  const time = sections.times[key];
  if (Object.hasOwn(sections.errors, key)) {
    const error = asRecord(sections.errors[key]);
    return {
      kind: 'error',
      code: codeText(error.error),
      description: typeof error.error_description === 'string' ? error.error_description : '',
      time,
    };
  }
  if (Object.hasOwn(sections.results, key)) {
    return {
      kind: 'result',
      value: sections.results[key],
      time,
      total: numberOrUndefined(sections.totals[key]),
      next: numberOrUndefined(sections.nexts[key]),
    };
  }
  return { kind: 'missing' };
}

/** Codes are strings, occasionally numbers (`100`). */
export function codeText(code: unknown): string {
  return typeof code === 'string' || typeof code === 'number' ? String(code) : '';
}

function section(body: Record<string, unknown>, name: string): Record<string, unknown> {
  return asRecord(body[name]);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function numberOrUndefined(value: unknown): number | undefined {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}

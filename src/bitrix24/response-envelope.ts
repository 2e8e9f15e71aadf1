import type { HttpAnswer } from './bitrix24.transport.js';
import { codeText } from './batch-result.js';
import type { OperatingSample } from './operating-budget.js';

/** The REST envelope (bitrix24-api.md §2): `{result, total?, next?, time}` or `{error, error_description}`. */
export type Envelope =
  | {
      readonly kind: 'result';
      readonly result: unknown;
      readonly total?: number;
      readonly next?: number;
      readonly time: unknown;
    }
  | { readonly kind: 'error'; readonly code: string; readonly description: string }
  | { readonly kind: 'moved'; readonly host: string }
  | { readonly kind: 'unreadable' };

export function readEnvelope(answer: HttpAnswer): Envelope {
  if (answer.status >= 300 && answer.status < 400) {
    return { kind: 'moved', host: hostOf(answer.location) };
  }
  const body = answer.json;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { kind: 'unreadable' };
  }
  const record = body as Record<string, unknown>;
  // An empty code ("") is still an error: CRM validation failures look like {"error":"", ...} (§2.3).
  if (Object.hasOwn(record, 'error') && record.error !== null && record.error !== undefined) {
    return {
      kind: 'error',
      code: codeText(record.error),
      description: typeof record.error_description === 'string' ? record.error_description : '',
    };
  }
  if (Object.hasOwn(record, 'result')) {
    return {
      kind: 'result',
      result: record.result,
      total: finiteNumber(record.total),
      next: finiteNumber(record.next),
      time: record.time,
    };
  }
  return { kind: 'unreadable' };
}

/** `time.operating` and friends, when present (cloud only); ints and floats alike (§2.2). */
export function operatingSampleOf(time: unknown): OperatingSample | undefined {
  if (time === null || typeof time !== 'object') {
    return undefined;
  }
  const record = time as Record<string, unknown>;
  const operating = finiteNumber(record.operating);
  if (operating === undefined) {
    return undefined;
  }
  return {
    operating,
    resetAt: finiteNumber(record.operating_reset_at),
    // `start` rather than `finish`: measured from the request's start, the reset is never placed too early.
    portalNow: finiteNumber(record.start) ?? finiteNumber(record.finish),
    durationSeconds: finiteNumber(record.duration),
  };
}

function finiteNumber(value: unknown): number | undefined {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}

function hostOf(location: string | undefined): string {
  try {
    return location ? new URL(location).host : 'an unknown address';
  } catch {
    return 'an unknown address';
  }
}

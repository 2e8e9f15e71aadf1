import type { CursorPosition, RunStatus } from '../../../persistence/entities/sync-run.entity.js';
import { clip } from './dom.js';

export function when(iso: string | null): string {
  return iso === null ? '—' : new Date(iso).toLocaleString();
}

/** `3h 2m 5s`, `42s`. */
export function duration(seconds: number | null): string {
  if (seconds === null) {
    return '—';
  }
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const parts = [
    hours > 0 ? `${hours}h` : '',
    hours > 0 || minutes > 0 ? `${minutes}m` : '',
    `${whole % 60}s`,
  ];
  return parts.filter(Boolean).join(' ');
}

/** `5m 3s ago`, `in 2m 0s`, `1h 53m ago`: the two largest units are enough at a glance. */
export function relative(iso: string | null, now: Date = new Date()): string {
  if (iso === null) {
    return '—';
  }
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  const span = duration(Math.abs(seconds)).split(' ').slice(0, 2).join(' ');
  return seconds < 0 ? `${span} ago` : `in ${span}`;
}

export function spanSeconds(from: string | null, to: string | null): number | null {
  return from === null || to === null ? null : (new Date(to).getTime() - new Date(from).getTime()) / 1000;
}

export function value(item: unknown): string {
  if (item === null || item === undefined) {
    return '∅';
  }
  return clip(typeof item === 'string' ? item : JSON.stringify(item));
}

/** A cursor as a position a person reads: `write_date 2026-03-01 12:00:00 · key 42`. */
export function describeCursor(cursor: CursorPosition | null, column: string | null): string {
  if (cursor === null) {
    return 'the beginning';
  }
  const at =
    cursor.value === null ? 'no cursor value' : `${column ?? 'cursor'} ${readableTime(cursor.value)}`;
  return cursor.key.length === 0 ? at : `${at} · key ${cursor.key.join(' | ')}`;
}

function readableTime(text: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(text)
    ? text.replace('T', ' ').replace(/(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/, ' $2')
    : text;
}

/** `CODE: message`, or the message alone when the portal sent no code. */
export function errorLine(code: string | null, message: string | null): string {
  return code ? `${code}: ${message ?? ''}` : (message ?? '');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Whether a run's status is one of `values`; the values are checked against the server's enum at compile time. */
export function hasStatus(status: RunStatus, ...values: Array<`${RunStatus}`>): boolean {
  return (values as string[]).includes(status);
}

import { isPhpArray, parsePhpQuery, phpEntries, phpTruthy, type PhpArray } from './php-query.js';
import { REST_ERRORS, type RestError } from './rest-error.js';

/** `BATCH_MAX_LENGTH` (bitrix24-api.md §4). */
export const BATCH_MAX_LENGTH = 50;
const NOT_ALLOWED_IN_BATCH = new Set(['batch', 'upload', 'download']);

export interface BatchCommand {
  key: string;
  text: string;
}

export interface ParsedBatch {
  commands: BatchCommand[];
  halt: boolean;
}

/** Outcome of one sub-call as the dispatcher reports it. */
export type SubCallOutcome<T> =
  { ok: true; result: unknown; total?: number; next?: number; time: T } | { ok: false; error: RestError };

export interface BatchSections<T> {
  result: Record<string, unknown>;
  result_error: Record<string, { error: string; error_description: string }>;
  result_total: Record<string, number>;
  result_next: Record<string, number>;
  result_time: Record<string, T>;
}

/** `cmd`/`halt` are found case-insensitively; non-string commands are skipped silently. */
export function parseBatchParams(params: Record<string, unknown>): ParsedBatch {
  const find = (name: string) => Object.keys(params).find((key) => key.toLowerCase() === name);
  const cmdKey = find('cmd');
  const haltKey = find('halt');
  const commands = phpEntries(cmdKey === undefined ? undefined : params[cmdKey])
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([key, text]) => ({ key, text }));
  return { commands, halt: haltKey !== undefined && phpTruthy(params[haltKey]) };
}

/** `parse_url` + `parse_str`: path = method, query = params; a raw '#' starts a fragment. */
export function parseCommand(text: string): { method: string; params: PhpArray } {
  const withoutFragment = text.split('#')[0] ?? '';
  const question = withoutFragment.indexOf('?');
  const method = question < 0 ? withoutFragment : withoutFragment.slice(0, question);
  const query = question < 0 ? '' : withoutFragment.slice(question + 1);
  return { method: method.trim(), params: parsePhpQuery(query) };
}

/**
 * Runs the commands in order. The first 50 run; later ones get ERROR_BATCH_LENGTH_EXCEEDED without
 * running. With `halt`, the first failure stops the loop and later commands appear in no section.
 */
export function executeBatch<T>(
  batch: ParsedBatch,
  run: (method: string, params: Record<string, unknown>) => SubCallOutcome<T>,
): BatchSections<T> {
  const sections: BatchSections<T> = {
    result: {},
    result_error: {},
    result_total: {},
    result_next: {},
    result_time: {},
  };
  for (const [index, command] of batch.commands.entries()) {
    const outcome = index < BATCH_MAX_LENGTH ? runCommand(command, sections, run) : lengthExceeded<T>();
    if (outcome.ok) {
      sections.result[command.key] = outcome.result;
      sections.result_time[command.key] = outcome.time;
      if (outcome.total !== undefined) {
        sections.result_total[command.key] = outcome.total;
      }
      if (outcome.next !== undefined) {
        sections.result_next[command.key] = outcome.next;
      }
    } else {
      sections.result_error[command.key] = outcome.error.body();
      if (batch.halt) {
        break;
      }
    }
  }
  return sections;
}

function lengthExceeded<T>(): SubCallOutcome<T> {
  return { ok: false, error: REST_ERRORS.batchLength() };
}

function runCommand<T>(
  command: BatchCommand,
  sections: BatchSections<T>,
  run: (method: string, params: Record<string, unknown>) => SubCallOutcome<T>,
): SubCallOutcome<T> {
  const { method, params } = parseCommand(command.text);
  if (NOT_ALLOWED_IN_BATCH.has(method.toLowerCase())) {
    return { ok: false, error: REST_ERRORS.batchMethod() };
  }
  return run(method, substituteReferences(params, sections) as Record<string, unknown>);
}

const REFERENCE = /\$(result|next|total|time|error)(\S*)/gi;

/**
 * `$result[key][path]` references (also $next/$total/$time/$error) in values and keys. A value that
 * is exactly one reference takes the referenced value with its type; an embedded reference is
 * replaced only when it resolves to a string. A reference to a command with no entry stays literal.
 */
export function substituteReferences<T>(value: unknown, sections: BatchSections<T>): unknown {
  if (typeof value === 'string') {
    return substituteString(value, sections);
  }
  if (!isPhpArray(value)) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of phpEntries(value)) {
    const newKey = substituteString(key, sections);
    out[typeof newKey === 'string' ? newKey : key] = substituteReferences(item, sections);
  }
  return out;
}

function substituteString<T>(text: string, sections: BatchSections<T>): unknown {
  const whole = new RegExp(`^${REFERENCE.source}$`, 'i').exec(text);
  if (whole) {
    const resolved = resolveReference(whole[1] ?? '', whole[2] ?? '', sections);
    return resolved.found ? resolved.value : text;
  }
  return text.replace(REFERENCE, (match: string, section: string, path: string) => {
    const resolved = resolveReference(section, path, sections);
    return resolved.found && resolved.complete && typeof resolved.value === 'string' ? resolved.value : match;
  });
}

function resolveReference<T>(
  section: string,
  path: string,
  sections: BatchSections<T>,
): { found: boolean; complete: boolean; value: unknown } {
  const roots: Record<string, unknown> = {
    result: sections.result,
    next: sections.result_next,
    total: sections.result_total,
    time: sections.result_time,
    error: sections.result_error,
  };
  const segments = [...path.matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? '');
  let current = roots[section.toLowerCase()];
  let depth = 0;
  for (const segment of segments) {
    const next = isPhpArray(current) && Object.hasOwn(current, segment) ? current[segment] : undefined;
    if (next === undefined) {
      break;
    }
    current = next;
    depth++;
  }
  return { found: depth > 0, complete: depth === segments.length, value: current };
}

/** PHP `json_encode`: a section whose keys are exactly 0..n-1 is a JSON list; an empty one is `[]`. */
export function encodeSection(section: Record<string, unknown>): unknown {
  const keys = Object.keys(section);
  const isList = keys.every((key, index) => key === String(index));
  return isList ? keys.map((key) => section[key]) : section;
}

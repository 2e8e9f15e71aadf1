const NUL = '\u0000';
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const REPLACEMENT = '\ufffd';

/**
 * Why this text cannot be kept or sent, or undefined when it can. PostgreSQL's text and jsonb refuse a NUL
 * character (`unsupported Unicode escape sequence`, `invalid byte sequence`), and a UTF-16 surrogate without
 * its pair is no Unicode text at all (UTF-8 has no encoding for it, so neither the state database nor the
 * portal would get it intact). MySQL/MariaDB text holds NUL bytes, so ERP values can carry one.
 */
export function unstorableTextReason(text: string): string | undefined {
  const nul = text.indexOf(NUL);
  if (nul >= 0) {
    return `holds a NUL character (U+0000) at character ${characterAt(text, nul)}, which PostgreSQL cannot store`;
  }
  const lone = SURROGATE.test(text) ? LONE_SURROGATE.exec(text) : null;
  if (lone === null) {
    return undefined;
  }
  const codeUnit = lone[0].charCodeAt(0).toString(16).toUpperCase();
  return `holds a lone UTF-16 surrogate (U+${codeUnit}) at character ${characterAt(text, lone.index)}, which is not Unicode text`;
}

/** 1-based position in code points (what an editor shows), not UTF-16 units. */
function characterAt(text: string, index: number): number {
  return Array.from(text.slice(0, index)).length + 1;
}

/**
 * The text with every NUL and lone surrogate replaced by U+FFFD: for values only recorded, never synced
 * (a live deal's old value in an operation's changes, a message quoting someone else's text).
 */
export function storableText(text: string): string {
  const withoutNul = text.includes(NUL) ? text.replaceAll(NUL, REPLACEMENT) : text;
  return SURROGATE.test(withoutNul) ? withoutNul.replace(LONE_SURROGATES, REPLACEMENT) : withoutNul;
}

/** storableText applied to every string inside a JSON-like value (arrays and plain objects). */
export function storableValue(value: unknown): unknown {
  if (typeof value === 'string') {
    return storableText(value);
  }
  if (Array.isArray(value)) {
    return value.map(storableValue);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [storableText(name), storableValue(inner)]),
    );
  }
  return value;
}

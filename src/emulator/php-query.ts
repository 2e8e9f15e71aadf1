/**
 * PHP request-parameter semantics the REST server inherits (bitrix24-api.md §1.3): `parse_str` with
 * bracket syntax and `+` as space, and the loose casts (`intval`, `floatval`, `(bool)`) methods apply.
 * PHP arrays are plain objects here (JSON bodies may also bring JS arrays; both are accepted).
 */
export type PhpArray = { [key: string]: PhpValue };
export type PhpValue = string | PhpArray;

export function parsePhpQuery(query: string): PhpArray {
  const root: PhpArray = {};
  for (const pair of query.split('&')) {
    if (pair === '') {
      continue;
    }
    const eq = pair.indexOf('=');
    const key = urlDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = urlDecode(eq < 0 ? '' : pair.slice(eq + 1));
    assignPhpKey(root, key, value);
  }
  return root;
}

/** PHP `urldecode`: `+` is a space, `%XX` a byte; malformed escapes stay literal. */
export function urlDecode(text: string): string {
  const bytes: number[] = [];
  const plain = text.replace(/\+/g, ' ');
  for (let i = 0; i < plain.length; i++) {
    const hex = plain.slice(i + 1, i + 3);
    if (plain[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(plain[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Splits `a[b][]` into `['a', 'b', '']`; undefined when PHP would drop the variable. */
export function splitPhpKey(rawKey: string): string[] | undefined {
  const key = rawKey.replace(/^ +/, '');
  const open = key.indexOf('[');
  let base = open < 0 ? key : key.slice(0, open);
  const segments: string[] = [];
  if (open >= 0) {
    let pos = open;
    while (key[pos] === '[') {
      const close = key.indexOf(']', pos + 1);
      if (close < 0) {
        if (segments.length === 0) {
          base = `${base}_${key.slice(pos + 1)}`;
        }
        break;
      }
      segments.push(key.slice(pos + 1, close));
      pos = close + 1;
    }
  }
  base = base.replace(/[ .]/g, '_');
  return base === '' ? undefined : [base, ...segments];
}

export function assignPhpKey(root: PhpArray, key: string, value: PhpValue): void {
  const path = splitPhpKey(key);
  if (path === undefined || path.includes('__proto__')) {
    return;
  }
  let target = root;
  for (let i = 0; i < path.length; i++) {
    const segment = i > 0 && path[i] === '' ? String(nextIndex(target)) : (path[i] ?? '');
    if (i === path.length - 1) {
      target[segment] = value;
      return;
    }
    const existing = Object.hasOwn(target, segment) ? target[segment] : undefined;
    const child: PhpArray = typeof existing === 'object' ? existing : {};
    target[segment] = child;
    target = child;
  }
}

function nextIndex(target: PhpArray): number {
  let next = 0;
  for (const key of Object.keys(target)) {
    if (/^(0|-?[1-9]\d*)$/.test(key)) {
      next = Math.max(next, Number(key) + 1);
    }
  }
  return next;
}

export function isPhpArray(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Key/value pairs of a PHP array (object or JS array). */
export function phpEntries(value: unknown): Array<[string, unknown]> {
  if (Array.isArray(value)) {
    return value.map((item, index) => [String(index), item]);
  }
  return isPhpArray(value) ? Object.entries(value) : [];
}

export function phpIntval(value: unknown): number {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.trunc(value) : 0;
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  if (typeof value === 'string') {
    const match = /^\s*[+-]?\d+/.exec(value);
    return match ? Number.parseInt(match[0], 10) : 0;
  }
  return isPhpArray(value) && phpEntries(value).length > 0 ? 1 : 0;
}

export function phpFloatval(value: unknown): number {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : 0;
  }
  if (typeof value === 'string') {
    const match = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(value);
    return match ? Number.parseFloat(match[0]) : 0;
  }
  return phpIntval(value);
}

/**
 * PHP `round($value, $places)`: half away from zero, after PHP's pre-rounding to 15 significant digits,
 * so round(1.005, 2) is 1.01 there (and here), not 1 as with a plain Math.round.
 */
export function phpRound(value: number, places: number): number {
  const scale = 10 ** places;
  const shifted = Number((Math.abs(value) * scale).toPrecision(15));
  const rounded = (Math.sign(value) * Math.round(shifted)) / scale;
  return rounded === 0 ? 0 : rounded;
}

/** PHP `(bool)`: '' and '0' are false, any other string (even 'false') is true. */
export function phpTruthy(value: unknown): boolean {
  if (typeof value === 'string') {
    return value !== '' && value !== '0';
  }
  if (typeof value === 'number') {
    return value !== 0;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  return isPhpArray(value) && phpEntries(value).length > 0;
}

/** PHP `strval` for scalars; arrays become 'Array' like PHP's string cast. */
export function phpStrval(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'boolean') {
    return value ? '1' : '';
  }
  return value == null ? '' : 'Array';
}

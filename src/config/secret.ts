import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A configuration value that must never be printed. Logging, string interpolation,
 * JSON serialization and util.inspect all print a redaction; only `reveal()` gives
 * the value, and only the code that sends it somewhere calls it.
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
    Object.freeze(this);
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export const SECRET_REDACTION = REDACTED;

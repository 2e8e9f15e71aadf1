/**
 * What the client logs through: satisfied by Nest's `Logger`.
 * Only redacted text is ever passed in.
 */
export interface ClientLogger {
  debug(message: string): void;
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: ClientLogger = {
  debug: () => undefined,
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * What the client logs through: satisfied by Nest's `Logger` and (with `log` mapped to `info`) by pino.
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

/** Adapts a pino-style logger (`info` instead of `log`). */
export function fromPino(logger: {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}): ClientLogger {
  return {
    debug: (message) => logger.debug(message),
    log: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection is not established/i,
];

/**
 * Whether an error means the state database cannot be reached (down, restarting, unreachable) rather than a
 * bad query: socket errors, SQLSTATE class 08 (connection exception) and 57P01–57P03 (shutting down, starting).
 * TypeORM wraps driver errors (`driverError`), other layers use `cause`.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) {
    return false;
  }
  const { code, message, driverError, cause } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (
    typeof code === 'string' &&
    (CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code))
  ) {
    return true;
  }
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) {
    return true;
  }
  return isDatabaseUnavailable(driverError, depth + 1) || isDatabaseUnavailable(cause, depth + 1);
}

import { describeDatabaseUrl } from '../config/url-redaction.js';
import type { ErpQuery } from './erp-query.js';
import type { RawRow } from './erp-page.js';
import { ErpReadError, ErpReadErrorCode } from './erp-read.error.js';
import type { ErpColumn, SqlDialect } from './sql-dialect.js';

/** One ERP database, read-only, behind one connection pool. Errors are ErpReadErrors without secrets. */
export interface ErpClient {
  readonly dialect: SqlDialect;
  /** The columns of a probe query's (empty) result. */
  describe(sql: string): Promise<ErpColumn[]>;
  query(query: ErpQuery): Promise<RawRow[]>;
  /**
   * The rows of one statement in batches of at most `batchSize`, read inside one read-only snapshot through a
   * server-side cursor (PostgreSQL) or a streamed result (MySQL/MariaDB): the ERP runs it once, and only the
   * batch being consumed is in memory. The session is given back when the iteration ends, however it ends.
   */
  stream(query: ErpQuery, batchSize: number): AsyncIterable<RawRow[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Connection options common to both engines. */
export interface ErpClientOptions {
  /** Connections the pool opens at most. @default 4 */
  readonly poolSize?: number;
  /** How long opening a connection may take before the read fails. @default 10000 */
  readonly connectTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 4;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Removes the URL's password (raw and percent-encoded) from any text a driver produced. */
export function passwordScrubber(url: string): (text: string) => string {
  const password = passwordOf(url);
  if (password === undefined) {
    return () => '<message hidden: unparseable database URL>';
  }
  const variants = [...new Set([password, safeDecode(password)])].filter((variant) => variant.length > 0);
  return (text) => variants.reduce((result, variant) => result.split(variant).join('***'), text);
}

function passwordOf(url: string): string | undefined {
  try {
    return new URL(url).password;
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface DriverError {
  readonly message: string;
  readonly code: string | undefined;
}

export function driverError(error: unknown): DriverError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, code: typeof code === 'string' ? code : undefined };
  }
  return { message: String(error), code: undefined };
}

/** A failure to reach or log in to the ERP database, naming where it points (password masked). */
export function connectionError(
  url: string,
  scrub: (text: string) => string,
  error: DriverError,
): ErpReadError {
  return new ErpReadError(
    ErpReadErrorCode.ConnectionFailed,
    `cannot connect to the ERP database ${describeDatabaseUrl(url)}: ${scrub(error.message)}`,
    error.code,
  );
}

/** Socket-level failures (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, …) carry Node's E-codes. */
export const isSocketError = (code: string | undefined): boolean =>
  code !== undefined && /^E[A-Z]+$/.test(code);

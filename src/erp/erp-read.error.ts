import type { SourceConfig } from '../config/config.types.js';

export enum ErpReadErrorCode {
  /** The ERP database does not answer or refuses the login. */
  ConnectionFailed = 'connection_failed',
  /** The source table (or a table the query names) does not exist. */
  SourceNotFound = 'source_not_found',
  /** A key or cursor column is not in the source's result. */
  ColumnMissing = 'column_missing',
  /** The mapping asks for something this source cannot do (incremental read without cursor, lookback on a non-time cursor). */
  Unsupported = 'unsupported',
  /** The database rejected a read for another reason (SQL error in the query, permission, read-only violation). */
  QueryFailed = 'query_failed',
}

/**
 * A run-level failure of an ERP read. Messages name the mapping, the source and the database's own
 * message, never the connection password (the clients scrub it before it gets here).
 */
export class ErpReadError extends Error {
  constructor(
    readonly code: ErpReadErrorCode,
    message: string,
    /** The database's error code (SQLSTATE, MySQL errno name or a socket error code) when there is one. */
    readonly databaseCode?: string,
  ) {
    super(message);
    this.name = 'ErpReadError';
  }

  /** The same failure, its message prefixed by where it happened. */
  within(context: string): ErpReadError {
    return new ErpReadError(this.code, `${context}: ${this.message}`, this.databaseCode);
  }
}

const QUERY_PREVIEW_LENGTH = 80;

/** `mapping "odoo-orders", source table "sale_order"` or `…, source query "SELECT o.id, …"`. */
export function describeSource(mapping: string, source: SourceConfig): string {
  if (source.table !== undefined) {
    return `mapping "${mapping}", source table "${source.table}"`;
  }
  const flat = (source.query ?? '').replace(/\s+/g, ' ').trim();
  const preview = flat.length > QUERY_PREVIEW_LENGTH ? `${flat.slice(0, QUERY_PREVIEW_LENGTH)}…` : flat;
  return `mapping "${mapping}", source query "${preview}"`;
}

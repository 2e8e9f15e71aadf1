import { DataSource } from 'typeorm';
import { startDaemon, type RunningDaemon } from '../../../src/bootstrap/daemon.js';
import { buildTestConfig } from '../../support/config.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { LogCapture } from '../../support/log-capture.js';
import { RecordingSyncModule, RecordingSyncService } from './recording-sync.service.js';

export const ADMIN_TOKEN = 'admin-token-e2e-7f3a9c2b5d1e';

/** Two mappings: the DESIGN §6 example (query, schedules) and a disabled table mapping. */
export const MAPPING_YAML = `
mappings:
  - name: odoo-orders
    schedule: "*/5 * * * *"
    fullSweep: "0 3 * * *"
    source:
      query: |
        SELECT o.id, o.name, o.state, o.amount_total, o.date_order, o.write_date,
               o.note, p.name AS partner_name, c.name AS currency
        FROM sale_order o
        JOIN res_partner p ON p.id = o.partner_id
        JOIN res_currency c ON c.id = o.currency_id
      key: id
      cursor: write_date
      lookback: 10m
    target:
      originatorId: odoo
      categoryId: 0
    fields:
      TITLE: { template: "{{name}} {{partner_name}}", maxLength: 255 }
      OPPORTUNITY: { column: amount_total, type: money }
      STAGE_ID:
        column: state
        map: { draft: NEW, sale: EXECUTING, done: WON, cancel: LOSE }
    delete: { policy: close, stage: LOSE, maxPerRun: 100 }
  - name: erp-invoices
    enabled: false
    schedule: "0 * * * *"
    source:
      table: invoice
      key: [company_id, number]
    target:
      originatorId: erp
    fields:
      TITLE: { column: number }
`;

export interface AdminDaemon {
  readonly daemon: RunningDaemon;
  readonly dataSource: DataSource;
  readonly logs: LogCapture;
  readonly sync: RecordingSyncService;
  /** Sends a request to the daemon; the admin token unless `token` says otherwise (null: no header). */
  request<T = ErrorBody>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly token?: string | null;
}

/** Nest's error answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly message: string | string[];
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The JSON body as the caller expects it (undefined when the body is not JSON). */
  readonly body: T;
}

/** The error message(s) of an error answer as one string, for `toContain`. */
export function messageOf(response: ApiResponse<ErrorBody>): string {
  return [response.body?.message ?? ''].flat().join('; ');
}

/** Boots the real daemon on a fresh database with the engine replaced by RecordingSyncService. */
export async function startAdminDaemon(
  env: Record<string, string | undefined> = {},
  mappingYaml: string = MAPPING_YAML,
): Promise<AdminDaemon> {
  const database: TestDatabase = await createTestDatabase('admin');
  const logs = new LogCapture();
  const config = buildTestConfig(
    { DATABASE_URL: database.url, ADMIN_TOKEN, PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    mappingYaml,
  );
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon(config, { logSink: logs, syncModule: RecordingSyncModule });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    daemon,
    dataSource: daemon.app.get(DataSource),
    logs,
    sync: daemon.app.get(RecordingSyncService, { strict: false }),
    request: <T>(path: string, options: RequestOptions = {}) => send<T>(daemon.url, path, options),
    close: async () => {
      await daemon.close();
      await database.drop();
    },
  };
}

export async function send<T>(
  baseUrl: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) {
    headers.authorization = `Bearer ${token}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(baseUrl + path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

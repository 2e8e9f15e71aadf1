import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { PrintedRecord } from './crm-entity.js';
import type { Deal } from './deal-fields.js';
import { EmulatorPortal } from './emulator-portal.js';
import type { EmulatorStats, RequestLogEntry } from './emulator-stats.js';
import type { EmulatorOptions, RuntimeConfig, RuntimeConfigPatch } from './emulator.options.js';
import { createRequestHandler } from './emulator.server.js';
import { printProductRow } from './product-rows.js';
import type { FaultOptions } from './faults.js';
import { createSelfSignedCertificate } from './self-signed-cert.js';

export type { CrmEntityName, PrintedRecord } from './crm-entity.js';
export type { Deal } from './deal-fields.js';
export type { PrintedMultiValue } from './multi-fields.js';
export type { EmulatorStats, RequestLogEntry } from './emulator-stats.js';
export type {
  EmulatorOptions,
  OperatingOptions,
  RuntimeConfig,
  RuntimeConfigPatch,
} from './emulator.options.js';
export type { FaultOptions } from './faults.js';
export type { LeakyBucketLimits } from './leaky-bucket.js';
export type { AccessState } from './rest-auth.js';

export interface RunningEmulator {
  /** The portal origin, http(s)://127.0.0.1:PORT. */
  url: string;
  /** `${url}/rest/${userId}/${secret}/` */
  webhookUrl: string;
  oauth: {
    portalUrl: string;
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    refreshToken: string;
  };
  /** PEM of the self-signed certificate when https. */
  ca?: string;
  setFaults(faults: FaultOptions): void;
  /** Changes rate limit, clock speed, faults, access switches, error statuses… while running. */
  configure(patch: RuntimeConfigPatch): RuntimeConfig;
  /** A new valid refresh token. */
  issueRefreshToken(): string;
  /** A new authorization code (30 virtual seconds). */
  issueAuthorizationCode(): string;
  /** Every issued access token now answers expired_token. */
  expireAccessTokens(): void;
  /** Jumps virtual time forward. */
  advanceClock(seconds: number): void;
  /** Virtual now, ms since the epoch. */
  now(): number;
  /** Stored deals as crm.deal.get prints them. */
  deals(): Deal[];
  /** Stored companies as crm.company.get prints them (multi-fields included). */
  companies(): PrintedRecord[];
  /** Stored contacts as crm.contact.get prints them (multi-fields included). */
  contacts(): PrintedRecord[];
  /** A deal's product rows as crm.deal.productrows.get prints them. */
  productRows(dealId: number): Array<Record<string, unknown>>;
  /** Edits a deal "by hand" (DATE_MODIFY and MODIFY_BY_ID move; user 2 unless given). */
  editDeal(id: number, fields: Record<string, unknown>, userId?: number): Deal;
  stats(): EmulatorStats;
  requestLog(): RequestLogEntry[];
  /** Drops CRM data, counters, bucket and operating state; keeps credentials and tokens. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a Bitrix24 portal emulator, on 127.0.0.1 unless told otherwise (see docs/emulator.md). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const portal = new EmulatorPortal(options);
  const certificate = portal.fixed.https ? createSelfSignedCertificate() : undefined;
  const handler = createRequestHandler(portal, certificate !== undefined);
  const server: Server =
    certificate === undefined ? createHttpServer(handler) : createHttpsServer({ ...certificate }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(portal.fixed.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const url = `${certificate === undefined ? 'http' : 'https'}://${host}:${port}`;
  portal.origin = url;
  const { webhook, oauth } = portal.fixed;
  return {
    url,
    webhookUrl: `${url}/rest/${webhook.userId}/${webhook.secret}/`,
    oauth: {
      portalUrl: url,
      tokenUrl: `${url}/oauth/token/`,
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      refreshToken: portal.oauth.issueRefreshToken(),
    },
    ...(certificate === undefined ? {} : { ca: certificate.cert }),
    setFaults: (faults) => void portal.configure({ faults }),
    configure: (patch) => portal.configure(patch),
    issueRefreshToken: () => portal.oauth.issueRefreshToken(),
    issueAuthorizationCode: () => portal.oauth.issueAuthorizationCode(),
    expireAccessTokens: () => portal.oauth.expireAccessTokens(),
    advanceClock: (seconds) => portal.clock.advance(seconds * 1000),
    now: () => portal.clock.nowMs(),
    deals: () => portal.dealsAsApi(),
    companies: () => portal.recordsAsApi('company'),
    contacts: () => portal.recordsAsApi('contact'),
    productRows: (dealId) => portal.productRows.get(dealId).map(printProductRow),
    editDeal: (id, fields, userId) => {
      const input = portal.fields.internalize(fields, 'update', portal.offset);
      portal.deals.update(id, input, { userId: userId ?? 2, nowMs: portal.clock.nowMs() });
      return portal.fields.externalize(portal.deals.get(id), portal.offset);
    },
    stats: () => portal.stats.snapshot(),
    requestLog: () => portal.stats.log(),
    reset: () => portal.reset(),
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { splitWebhookUrl } from '../src/config/env.schema.js';
import type { RateLimitConfig, WebhookAuthConfig } from '../src/config/config.types.js';
import { Bitrix24Client } from '../src/bitrix24/bitrix24.client.js';
import { scaledClock, systemClock, type Clock } from '../src/bitrix24/clock.js';
import { CrmEntityGateway } from '../src/bitrix24/crm-entity.gateway.js';
import type { DealWriteOutcome } from '../src/bitrix24/crm-entity.types.js';
import { minimumDurationMs } from '../src/bitrix24/leaky-bucket.js';
import { InProcessBudgetStore, type PortalBudgetStore } from '../src/bitrix24/portal-budget.store.js';
import { createDataSource } from '../src/persistence/data-source.factory.js';
import { runMigrations } from '../src/persistence/migrate.js';
import { PortalBudgetRepository } from '../src/persistence/portal-budget.repository.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';

const USAGE = `client bench: N deal creates through CrmEntityGateway (batches of 50) and, side by side, one request
per deal, both through the rate-limited client, against the emulator at default limits (2/50).
  --deals N           deals to create (default 5000)
  --speed S           emulator clock speed for the gateway run (default 1)
  --naive-speed S     emulator clock speed for the one-request-per-deal run (default 100)
  --naive-deals N     deals for the one-request-per-deal run (default: --deals; 0 skips it)
  --clients N         N clients (as N processes would) push the deals together to one portal, each with
                      its own store on its own pool of one PostgreSQL database (default 1)
  --database-url URL  PostgreSQL server for --clients (a scratch database is created and dropped);
                      without it the clients share one in-process store
  --webhook-url URL   push through the gateway to this portal instead (real time, no one-per-deal run)
  --rate D/C          that portal's leaky bucket (default 2/50; Enterprise 5/250)
  --cleanup           delete the created deals afterwards (--webhook-url only)
Figures are in portal time (the emulator's virtual clock). Efficiency = the best time the leaky
bucket allows for the requests needed ÷ observed time.`;

const DEFAULT_RATE: RateLimitConfig = { drainPerSecond: 2, capacity: 50 };
const ORIGINATOR = 'erp-bitrix24-sync-bench';
/** Real scheduling jitter the safety margin must absorb; at clock speed S it is S times longer in portal time. */
const JITTER_SECONDS = 0.04;

interface Figures {
  readonly label: string;
  readonly deals: number;
  readonly requests: number;
  readonly seconds: number;
  readonly bestSeconds: number;
  readonly rejected: number;
  readonly operatingErrors: number;
  readonly outcomes: Record<DealWriteOutcome['status'], number>;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      deals: { type: 'string', default: '5000' },
      speed: { type: 'string', default: '1' },
      'naive-speed': { type: 'string', default: '100' },
      'naive-deals': { type: 'string' },
      clients: { type: 'string', default: '1' },
      'database-url': { type: 'string' },
      'webhook-url': { type: 'string' },
      rate: { type: 'string', default: '2/50' },
      cleanup: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const deals = positive(values.deals, '--deals');
  if (values['webhook-url'] !== undefined) {
    const figures = await againstPortal(values['webhook-url'], deals, parseRate(values.rate), values.cleanup);
    report([figures]);
    return;
  }
  const clients = positive(values.clients, '--clients');
  const figures = [
    clients > 1
      ? await sharedPortalRun(deals, positive(values.speed, '--speed'), clients, values['database-url'])
      : await gatewayRun(deals, positive(values.speed, '--speed')),
  ];
  const naiveDeals = Number(values['naive-deals'] ?? deals);
  if (naiveDeals > 0) {
    figures.push(await naiveRun(naiveDeals, positive(values['naive-speed'], '--naive-speed')));
  }
  report(figures);
}

async function gatewayRun(deals: number, speed: number): Promise<Figures> {
  return onEmulator(speed, 'gateway, batches of 50', deals, async ([client]) =>
    new CrmEntityGateway(client).createMany(drafts(deals)),
  );
}

/** N clients (N processes, each its own store) share one portal: together they must keep to its bucket. */
async function sharedPortalRun(
  deals: number,
  speed: number,
  clients: number,
  databaseUrl: string | undefined,
): Promise<Figures> {
  const stores = await budgetStores(clients, databaseUrl);
  try {
    const label = `${clients} clients on one portal (${databaseUrl ? 'PostgreSQL' : 'in-process'} budget)`;
    return await onEmulator(
      speed,
      label,
      deals,
      async (all) => {
        const fields = drafts(deals);
        const shares = all.map((client, c) =>
          new CrmEntityGateway(client).createMany(fields.filter((_, index) => index % clients === c)),
        );
        return (await Promise.all(shares)).flat();
      },
      stores.stores,
    );
  } finally {
    await stores.close();
  }
}

/** One store per client: its own pool on a scratch database, or one shared in-process store. */
async function budgetStores(
  clients: number,
  serverUrl: string | undefined,
): Promise<{ stores: PortalBudgetStore[]; close(): Promise<void> }> {
  if (serverUrl === undefined) {
    const shared = new InProcessBudgetStore();
    return { stores: Array.from({ length: clients }, () => shared), close: () => Promise.resolve() };
  }
  const name = `bench_budget_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pools: DataSource[] = [];
  for (let c = 0; c < clients; c++) {
    const pool = createDataSource(url.toString());
    await pool.initialize();
    pools.push(pool);
  }
  await runMigrations(pools[0]);
  return {
    stores: pools.map((pool) => new PortalBudgetRepository(pool)),
    async close() {
      await Promise.all(pools.map((pool) => pool.destroy()));
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** What a client without batching achieves: one crm.deal.add per deal, paced by the same limiter. */
async function naiveRun(deals: number, speed: number): Promise<Figures> {
  return onEmulator(speed, 'one request per deal', deals, ([client]) =>
    Promise.all(
      drafts(deals).map((fields) =>
        client.call<number>('crm.deal.add', { fields }).then(
          (answer): DealWriteOutcome => ({ status: 'ok', dealId: answer.result }),
          (error: unknown): DealWriteOutcome => ({ status: 'failed', error: error as never }),
        ),
      ),
    ),
  );
}

async function onEmulator(
  speed: number,
  label: string,
  deals: number,
  push: (clients: Bitrix24Client[]) => Promise<DealWriteOutcome[]>,
  stores: ReadonlyArray<PortalBudgetStore | undefined> = [undefined],
): Promise<Figures> {
  const emulator = await startEmulator({ clockSpeed: speed, rateLimit: DEFAULT_RATE });
  const safetyMargin = Math.max(0.5, DEFAULT_RATE.drainPerSecond * speed * JITTER_SECONDS);
  const newClient = (budgetStore?: PortalBudgetStore) =>
    new Bitrix24Client({
      auth: { kind: 'webhook', ...splitWebhookUrl(emulator.webhookUrl) },
      rateLimit: DEFAULT_RATE,
      clock: scaledClock(speed),
      safetyMargin,
      budgetStore,
    });
  await warmUp(newClient(), emulator);
  const clients = stores.map((store) => newClient(store));
  try {
    const started = emulator.now();
    const outcomes = await push(clients);
    const seconds = (emulator.now() - started) / 1000;
    const detail = `${label} (clock ×${speed}, margin ${safetyMargin})`;
    return figuresOf(detail, clients, outcomes, seconds, emulatorRejections(emulator));
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await emulator.close();
  }
}

/** One batch through a throwaway client, so JIT and connection set-up are not timed; then a clean portal. */
async function warmUp(client: Bitrix24Client, emulator: RunningEmulator): Promise<void> {
  try {
    await new CrmEntityGateway(client).createMany(drafts(50));
  } finally {
    await client.close();
  }
  emulator.reset();
}

async function againstPortal(
  url: string,
  deals: number,
  rate: RateLimitConfig,
  cleanup: boolean,
): Promise<Figures> {
  const auth: WebhookAuthConfig = { kind: 'webhook', ...splitWebhookUrl(url) };
  const clock: Clock = systemClock;
  const client = new Bitrix24Client({ auth, rateLimit: rate, clock });
  const gateway = new CrmEntityGateway(client);
  try {
    const started = clock.now();
    const outcomes = await gateway.createMany(drafts(deals));
    const seconds = (clock.now() - started) / 1000;
    const figures = figuresOf(
      `gateway → ${new URL(auth.portalUrl).host}`,
      [client],
      outcomes,
      seconds,
      {
        rejected: client.stats.snapshot().rateLimitedResponses,
        operatingErrors: client.stats.snapshot().operatingBlocks,
      },
      rate,
    );
    if (cleanup) {
      const ids = outcomes.flatMap((outcome) => (outcome.status === 'ok' ? [outcome.dealId] : []));
      await gateway.deleteMany(ids);
    } else {
      process.stdout.write(`created deals carry ORIGINATOR_ID=${ORIGINATOR}; --cleanup deletes them\n`);
    }
    return figures;
  } finally {
    await client.close();
  }
}

function figuresOf(
  label: string,
  clients: readonly Bitrix24Client[],
  outcomes: readonly DealWriteOutcome[],
  seconds: number,
  portal: { rejected: number; operatingErrors: number },
  rate: RateLimitConfig = DEFAULT_RATE,
): Figures {
  const counts = { ok: 0, failed: 0, unknown: 0 };
  outcomes.forEach((outcome) => (counts[outcome.status] += 1));
  const requests = clients.reduce((sum, client) => sum + client.stats.totalRequests, 0);
  return {
    label,
    deals: outcomes.length,
    requests,
    seconds,
    bestSeconds: minimumDurationMs(requests - portal.rejected, rate) / 1000,
    rejected: portal.rejected,
    operatingErrors: portal.operatingErrors,
    outcomes: counts,
  };
}

function emulatorRejections(emulator: RunningEmulator): { rejected: number; operatingErrors: number } {
  const stats = emulator.stats();
  return { rejected: stats.byStatus['503'] ?? 0, operatingErrors: stats.operatingLimitExceeded };
}

function report(rows: readonly Figures[]): void {
  const header = [
    '',
    'deals/s',
    'efficiency',
    '503s',
    'op. limit',
    'requests',
    'portal time',
    'ok/failed/unknown',
  ];
  const lines = rows.map((row) => [
    row.label,
    (row.deals / row.seconds).toFixed(1),
    row.bestSeconds > 0 ? (row.bestSeconds / row.seconds).toFixed(3) : 'n/a (burst)',
    String(row.rejected),
    String(row.operatingErrors),
    String(row.requests),
    `${row.seconds.toFixed(1)} s`,
    `${row.outcomes.ok}/${row.outcomes.failed}/${row.outcomes.unknown}`,
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((line) => line[column].length)),
  );
  for (const line of [header, ...lines]) {
    process.stdout.write(
      `${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  ')}\n`,
    );
  }
  process.stdout.write(
    `${JSON.stringify(rows.map(({ label, ...rest }) => ({ label, ...rest, dealsPerSecond: rest.deals / rest.seconds })))}\n`,
  );
}

function drafts(count: number): Array<Record<string, string>> {
  const run = Date.now().toString(36);
  return Array.from({ length: count }, (_, index) => ({
    TITLE: `Bench order ${index + 1}`,
    ORIGINATOR_ID: ORIGINATOR,
    ORIGIN_ID: `${run}-${index + 1}`,
    OPPORTUNITY: String(100 + index),
    CURRENCY_ID: 'USD',
  }));
}

function positive(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!(parsed > 0)) {
    throw new Error(`${name} must be a positive number, got ${value}`);
  }
  return parsed;
}

function parseRate(text: string | undefined): RateLimitConfig {
  const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(text ?? '');
  if (!match) {
    throw new Error(`--rate must look like 2/50, got ${text}`);
  }
  return { drainPerSecond: Number(match[1]), capacity: Number(match[2]) };
}

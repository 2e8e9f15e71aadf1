import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { minimumDurationMs } from '../src/bitrix24/leaky-bucket.js';
import { loadConfig } from '../src/config/config.loader.js';
import { ConfigModule } from '../src/config/config.module.js';
import { Secret } from '../src/config/secret.js';
import { startEmulator } from '../src/emulator/index.js';
import { RunMode, RunTrigger } from '../src/persistence/entities/sync-run.entity.js';
import { PersistenceModule } from '../src/persistence/persistence.module.js';
import { SyncModule } from '../src/sync/sync.module.js';
import { SyncService } from '../src/sync/sync.service.js';

const USAGE = `graph bench: the initial sync of N orders over N/10 customers with 1-8 lines each, through the engine
(companies synced first by the deals' links, product rows riding with their deal's create) against the emulator
at default limits (2/50).
  --database-url URL  a PostgreSQL server: two scratch databases (state, ERP) are created there and dropped after
  --orders N          orders (default 2000)
  --speed S           emulator clock speed (default 1: real time)
Figures are in portal time. Efficiency = the best time the leaky bucket allows for the requests made ÷ observed
time. Commands = company creates + deal creates + product-row sets; ideal requests = commands ÷ 50.`;

const RATE = { drainPerSecond: 2, capacity: 50 };

const MAPPINGS = `
mappings:
  - name: orders
    source: { table: sale_order, key: id, cursor: write_date }
    target: { originatorId: graph-bench }
    fields:
      TITLE: { column: name }
      COMPANY_ID: { link: customers, column: partner_id }
    productRows:
      table: sale_order_line
      parent: order_id
      order: [sequence, id]
      fields:
        PRODUCT_NAME: { column: name }
        PRICE: { column: price_unit, type: money }
        QUANTITY: { column: qty, type: decimal }
  - name: customers
    entity: company
    source: { table: res_partner, key: id, cursor: write_date }
    target: { originatorId: graph-bench }
    fields:
      TITLE: { column: name }
      EMAIL: { column: email, type: multi }
`;

const ERP_SCHEMA = `
  CREATE TABLE res_partner (id serial PRIMARY KEY, name text NOT NULL, email text,
                            write_date timestamp NOT NULL DEFAULT now());
  CREATE TABLE sale_order (id serial PRIMARY KEY, name text NOT NULL, partner_id integer NOT NULL,
                           write_date timestamp NOT NULL DEFAULT now());
  CREATE TABLE sale_order_line (id serial PRIMARY KEY, order_id integer NOT NULL, sequence integer NOT NULL,
                                name text NOT NULL, qty numeric(12, 3) NOT NULL, price_unit numeric(12, 2) NOT NULL);
  CREATE INDEX ON sale_order_line (order_id);`;

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'database-url': { type: 'string' },
      orders: { type: 'string', default: '2000' },
      speed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values['database-url'] === undefined) {
    process.stdout.write(`${USAGE}\n`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const orders = positive(values.orders, '--orders');
  const speed = positive(values.speed, '--speed');
  const server = values['database-url'];
  const suffix = randomBytes(4).toString('hex');
  const [stateUrl, erpUrl] = await Promise.all(
    ['state', 'erp'].map((kind) => createDatabase(server, `graph_bench_${kind}_${suffix}`)),
  );
  try {
    await seedErp(erpUrl, orders);
    await syncAndReport(stateUrl, erpUrl, orders, speed);
  } finally {
    await dropDatabases(server, [`graph_bench_state_${suffix}`, `graph_bench_erp_${suffix}`]);
  }
}

async function syncAndReport(stateUrl: string, erpUrl: string, orders: number, speed: number): Promise<void> {
  const emulator = await startEmulator({ clockSpeed: speed });
  const dir = mkdtempSync(join(tmpdir(), 'graph-bench-'));
  writeFileSync(join(dir, 'sync.config.yaml'), MAPPINGS);
  const config = loadConfig(
    {
      DATABASE_URL: stateUrl,
      ERP_DATABASE_URL: erpUrl,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      BITRIX24_RATE_LIMIT: `${RATE.drainPerSecond * speed}/${RATE.capacity}`,
      SYNC_CONFIG: join(dir, 'sync.config.yaml'),
      LOG_LEVEL: 'silent',
      DEMO: 'off',
    },
    { cwd: dir },
  );
  const app = await NestFactory.createApplicationContext(
    {
      module: class GraphBenchModule {},
      imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(new Secret(stateUrl)), SyncModule],
    },
    { logger: false },
  );
  try {
    const started = emulator.now();
    const run = await app.get(SyncService).runAndWait({
      mapping: 'orders',
      mode: RunMode.Incremental,
      trigger: RunTrigger.Manual,
    });
    const seconds = (emulator.now() - started) / 1000;
    const stats = emulator.stats();
    const commands =
      (stats.writesByMethod['crm.company.add'] ?? 0) +
      (stats.writesByMethod['crm.deal.add'] ?? 0) +
      (stats.writesByMethod['crm.deal.productrows.set'] ?? 0);
    const bestSeconds = minimumDurationMs(stats.requests, RATE) / 1000;
    const figures = {
      status: run.status,
      orders,
      deals: emulator.deals().length,
      companies: emulator.companies().length,
      productRowSets: stats.writesByMethod['crm.deal.productrows.set'] ?? 0,
      requests: stats.requests,
      'requests ÷ (commands ÷ 50)': round(stats.requests / (commands / 50)),
      seconds: round(seconds),
      'deals/s': round(run.created / seconds),
      efficiency: bestSeconds === 0 ? 'n/a (within the burst)' : round(bestSeconds / seconds),
      '503s': stats.byStatus['503'] ?? 0,
      queryLimitExceeded: stats.queryLimitExceeded,
    };
    for (const [label, value] of Object.entries(figures)) {
      process.stdout.write(`${label.padEnd(28)} ${value}\n`);
    }
  } finally {
    await app.close();
    await emulator.close();
  }
}

/** Customers 1..N/10, orders each on customer 1 + id % customers, 1-8 lines per order. */
async function seedErp(url: string, orders: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(ERP_SCHEMA);
    const customers = Math.max(1, Math.floor(orders / 10));
    await client.query(
      `INSERT INTO res_partner (name, email) SELECT 'Customer ' || n, 'c' || n || '@example.com'
         FROM generate_series(1, $1::int) AS n`,
      [customers],
    );
    await client.query(
      `INSERT INTO sale_order (name, partner_id) SELECT 'SO' || n, 1 + n % $2::int FROM generate_series(1, $1::int) AS n`,
      [orders, customers],
    );
    await client.query(
      `INSERT INTO sale_order_line (order_id, sequence, name, qty, price_unit)
       SELECT o.id, l, 'Product ' || (o.id * 7 + l) % 50, 1 + l % 3, 10 + (o.id * 13 + l) % 990
         FROM sale_order o CROSS JOIN LATERAL generate_series(1, 1 + o.id % 8) AS l`,
    );
  } finally {
    await client.end();
  }
}

async function createDatabase(server: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabases(server: string, names: readonly string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    for (const name of names) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

function positive(text: string, option: string): number {
  const value = Number(text);
  if (!(value > 0)) {
    throw new Error(`${option} must be a positive number, got "${text}"`);
  }
  return value;
}

const round = (value: number): number => Math.round(value * 100) / 100;

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CREATE_METHODS, type CreateMethod } from '../src/config/create-via.js';
import { startEmulator } from '../src/emulator/index.js';

const USAGE = `create-via bench: a first load past one method's operating budget (issue 13), through the CLI's \`run\`
against the emulator over sockets, once with target.createVia = [crm.deal.add] and once with all three methods.
  --rows N          ERP rows, i.e. deals to create (default 5000)
  --cost S          the emulator's seconds per create, per method (default 0.1)
  --limit S         operating seconds per method per 10 minutes (default 480)
  --rate D/C        the portal's leaky bucket (default 2/50)
  --only all|alone  one of the two loads (a 10,000-create load by crm.deal.add alone takes 20 minutes)
  --database-url U  a PostgreSQL server for the state and ERP databases (default BENCH_DATABASE_URL)
Real time: crm.deal.add alone waits for the portal's 10-minute window once rows × cost passes the limit.`;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli.js');

interface Outcome {
  readonly via: readonly CreateMethod[];
  readonly seconds: number;
  readonly deals: number;
  readonly duplicates: number;
  readonly requests: number;
  readonly unavailable: number;
  readonly operatingLimits: number;
  readonly callsByMethod: Record<string, number>;
  readonly automationRuns: number;
  readonly status: string;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: 'string', default: '5000' },
      cost: { type: 'string', default: '0.1' },
      limit: { type: 'string', default: '480' },
      rate: { type: 'string', default: '2/50' },
      only: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const server = values['database-url'] ?? process.env.BENCH_DATABASE_URL;
  if (values.help || !server) {
    console.log(USAGE);
    return;
  }
  const setup = {
    server,
    rows: Number(values.rows),
    cost: Number(values.cost),
    limit: Number(values.limit),
    rate: values.rate,
  };
  console.log(
    `create-via bench: ${setup.rows} creates, ${setup.cost} s each, ${setup.limit} s per method per 10 min, bucket ${setup.rate}, node ${process.version}`,
  );
  const loads = { alone: ['crm.deal.add'] as const, all: CREATE_METHODS };
  const results: Outcome[] = [];
  for (const [name, via] of Object.entries(loads)) {
    if (values.only === undefined || values.only === name) {
      results.push(await firstLoad(setup, via));
      print(results[results.length - 1]);
    }
  }
  const ratio = results.length === 2 ? results[0].seconds / results[1].seconds : undefined;
  if (ratio !== undefined) {
    console.log(`speed-up ${ratio.toFixed(2)}× (crm.deal.add alone ÷ all three)`);
  }
  console.log(JSON.stringify({ bench: 'create-via', ...setup, server: undefined, ratio, results }));
}

interface Setup {
  readonly server: string;
  readonly rows: number;
  readonly cost: number;
  readonly limit: number;
  readonly rate: string;
}

async function firstLoad(setup: Setup, via: readonly CreateMethod[]): Promise<Outcome> {
  const [drainPerSecond, capacity] = setup.rate.split('/').map(Number);
  const costs = Object.fromEntries(CREATE_METHODS.map((method) => [method, setup.cost]));
  const emulator = await startEmulator({
    rateLimit: { drainPerSecond, capacity },
    operating: { limitSeconds: setup.limit, methodCostSeconds: { ...costs, '*': 0.001 } },
  });
  const state = await scratchDatabase(setup.server);
  const erp = await scratchDatabase(setup.server);
  try {
    await erp.seed(setup.rows);
    const started = performance.now();
    const status = await runCli({
      DATABASE_URL: state.url,
      ERP_DATABASE_URL: erp.url,
      BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
      BITRIX24_RATE_LIMIT: setup.rate,
      SYNC_CONFIG: mappingFile(via),
    });
    const seconds = (performance.now() - started) / 1000;
    const stats = emulator.stats();
    const deals = emulator.deals();
    return {
      via,
      seconds,
      deals: deals.length,
      duplicates: deals.length - new Set(deals.map((deal) => deal.ORIGIN_ID)).size,
      requests: stats.requests,
      unavailable: stats.byStatus['503'] ?? 0,
      operatingLimits: stats.operatingLimitExceeded,
      callsByMethod: stats.callsByMethod,
      automationRuns: stats.automationRuns,
      status,
    };
  } finally {
    await emulator.close();
    await state.drop();
    await erp.drop();
  }
}

function print(outcome: Outcome): void {
  const creates = CREATE_METHODS.map((method) => {
    const calls = outcome.callsByMethod[method.toLowerCase()] ?? 0;
    return `${method} ${calls}${method === 'crm.item.batchImport' ? ' calls' : ''}`;
  });
  console.log(
    [
      `via ${outcome.via.join('+')}`.padEnd(54),
      `${outcome.seconds.toFixed(1)} s`,
      `${outcome.deals} deals, ${outcome.duplicates} duplicates`,
      `${(outcome.requests / Math.max(1, outcome.deals)).toFixed(3)} requests per deal`,
      `${outcome.unavailable} × 503`,
      `${outcome.operatingLimits} × OPERATION_TIME_LIMIT`,
      creates.join(', '),
      `robots ran ${outcome.automationRuns}`,
      outcome.status,
    ].join(' | '),
  );
}

function mappingFile(via: readonly CreateMethod[]): string {
  const path = join(tmpdir(), `create-via-${randomUUID()}.yaml`);
  writeFileSync(
    path,
    `mappings:
  - name: first-load
    source: { table: erp_order, key: id, cursor: changed_at }
    target: { originatorId: bench, createVia: [${via.join(', ')}] }
    fields:
      TITLE: { column: name }
      OPPORTUNITY: { column: amount, type: money }
      CURRENCY_ID: { column: currency }
      UF_CRM_ERP_NUMBER: { column: name }
`,
  );
  return path;
}

/** `run --json` in its own process, as a user runs it; the status of its summary line. */
async function runCli(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'run', '--mapping', 'first-load', '--json'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', DEMO: 'off', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return String((JSON.parse(last) as { status?: unknown }).status);
  } catch {
    return `exit ${code}`;
  }
}

interface ScratchDatabase {
  readonly url: string;
  seed(rows: number): Promise<void>;
  drop(): Promise<void>;
}

async function scratchDatabase(server: string): Promise<ScratchDatabase> {
  const name = `create_via_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  return {
    url,
    async seed(rows) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(
          `CREATE TABLE erp_order AS
             SELECT n AS id, 'SO' || n AS name, (n % 1000) + 0.5 AS amount,
                    (ARRAY['RUB', 'USD', 'EUR'])[1 + n % 3] AS currency, now() AS changed_at
               FROM generate_series(1, ${Math.trunc(rows)}) AS n`,
        );
        await client.query('ALTER TABLE erp_order ADD PRIMARY KEY (id)');
      } finally {
        await client.end();
      }
    },
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/persistence/embedded-postgres.js';

/** The portal's bucket while `--command sweep` seeds the state: the sweeps after it send nothing. */
const SWEEP_SEED_RATE = '5000/50000';

const USAGE = `run bench: the product's real path — the CLI (\`run\` or \`plan --full\`) reading a PostgreSQL ERP table,
planning into the real state database and sending to the emulator over sockets.
  --rows N          ERP rows, repeatable (default 10000)
  --command C       run | plan | sweep (default run: an initial sync, then a no-op run; plan: plan --full over a
                    first sync; sweep: a first sync on a portal fast enough not to matter (${SWEEP_SEED_RATE}),
                    then a full no-op sweep (run --full), a no-op plan --full and a no-op incremental run)
  --rate D/C        the portal's leaky bucket (default 2/50)
  --cost S          the emulator's simulated seconds per call (default 0.001: the bucket, not the budget, binds)
  --database-url U  a PostgreSQL server for the state and ERP databases (default: BENCH_DATABASE_URL, else embedded)
  --processes N     N mappings (--rows each, an ERP database each) run by N CLI processes started at once on one
                    portal and one state database: per process and combined figures (see run-processes.ts)
  --source S        table | query (default table; query: orders joined with partners and currencies, as Odoo reads)
  --no-cursor-index leave write_date without an index (every incremental read then scans the source)
Prints wall time (CLI start-up included), rows/s, the engine's own rows/s (rows over the run's recorded
duration: reading, planning and sending, start-up and shutdown left out), requests per deal, efficiency against the leaky bucket's best
time for that many requests, 503s, peak RSS of the CLI process and ERP rows read. \`run\` ends with a 1% run: 1% of
the orders edited (write dates are one second apart, indexed; lookback 1 min), then an incremental run.`;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI as users start it: the package's bin, with the V8 flags its shebang gives node. */
const BIN = join(ROOT, 'bin/erp-bitrix24-sync.js');
export const MAPPING = 'bench-orders';

interface Figures {
  readonly label: string;
  readonly rows: number;
  readonly seconds: number;
  /** The run's own duration as the state database recorded it (started_at to finished_at). */
  readonly engineSeconds: number | undefined;
  /** Spawn to the first request the portal received (undefined: none). */
  readonly firstRequestSeconds: number | undefined;
  readonly requests: number;
  readonly limited: number;
  readonly peakRssMb: number;
  readonly erpRowsRead: number;
  readonly status: string;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: 'string', multiple: true },
      command: { type: 'string', default: 'run' },
      rate: { type: 'string', default: '2/50' },
      cost: { type: 'string', default: '0.001' },
      'database-url': { type: 'string' },
      processes: { type: 'string' },
      source: { type: 'string', default: 'table' },
      'no-cursor-index': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rate = values.command === 'sweep' ? SWEEP_SEED_RATE : values.rate;
  const [drain, capacity] = rate.split('/').map(Number);
  const server = await postgresServer(values['database-url'] ?? process.env.BENCH_DATABASE_URL);
  try {
    if (values.source !== 'table' && values.source !== 'query') {
      throw new Error(`--source: expected table or query, got ${values.source}`);
    }
    console.log(
      `run bench: ${values.command}, bucket ${rate}, source ${values.source}, node ${process.version}`,
    );
    for (const rows of (values.rows ?? ['10000']).map(Number)) {
      if (values.processes !== undefined) {
        const { measureProcesses } = await import('./run-processes.js');
        await measureProcesses(server.url, rows, Number(values.processes), {
          rate: { drain, capacity },
          cost: Number(values.cost),
        });
        continue;
      }
      const figures = await measureSize(server.url, rows, {
        command: values.command,
        rate: { drain, capacity },
        cost: Number(values.cost),
        source: values.source,
        cursorIndex: !values['no-cursor-index'],
      });
      for (const entry of figures) {
        print(entry, { drain, capacity });
      }
      console.log(JSON.stringify({ bench: 'run', command: values.command, rate, results: figures }));
    }
  } finally {
    await server.stop();
  }
}

async function measureSize(
  serverUrl: string,
  rows: number,
  options: {
    command: string;
    rate: { drain: number; capacity: number };
    cost: number;
    source: 'table' | 'query';
    cursorIndex: boolean;
  },
): Promise<Figures[]> {
  const state = await createDatabase(serverUrl, 'bench_state');
  const erp = await createDatabase(serverUrl, 'bench_erp');
  const emulator = await startEmulator({
    rateLimit: { drainPerSecond: options.rate.drain, capacity: options.rate.capacity },
    operating: { methodCostSeconds: { '*': options.cost } },
  });
  try {
    await seedOrders(erp.url, rows, options.cursorIndex);
    const env = cliEnv(
      state.url,
      erp.url,
      emulator,
      `${options.rate.drain}/${options.rate.capacity}`,
      options.source,
    );
    const target = { env, emulator, erpUrl: erp.url, stateUrl: state.url, rows };
    if (options.command === 'plan') {
      return [await measureCli('plan --full', ['plan', '--mapping', MAPPING, '--full', '--json'], target)];
    }
    const runCommand = ['run', '--mapping', MAPPING, '--json'];
    if (options.command === 'sweep') {
      return [
        await measureCli('seed run', runCommand, target),
        await measureCli('full no-op sweep', [...runCommand, '--full'], target),
        await measureCli('no-op plan --full', ['plan', '--mapping', MAPPING, '--full', '--json'], target),
        await measureCli('no-op run', runCommand, target),
      ];
    }
    return [
      await measureCli('initial run', runCommand, target),
      await measureCli('no-op run', runCommand, target),
      await changeOnePercent(erp.url).then(() => measureCli('1% run', runCommand, target)),
    ];
  } finally {
    await emulator.close();
    await erp.drop();
    await state.drop();
  }
}

interface CliTarget {
  readonly env: Record<string, string>;
  readonly emulator: RunningEmulator;
  readonly erpUrl: string;
  readonly stateUrl: string;
  readonly rows: number;
}

async function measureCli(label: string, args: string[], target: CliTarget): Promise<Figures> {
  const { env, emulator, erpUrl, stateUrl, rows } = target;
  const before = {
    stats: emulator.stats(),
    log: emulator.requestLog().at(-1)?.seq ?? 0,
    erpRead: await erpRowsRead(erpUrl),
  };
  const child = await runCliMeasured(args, env);
  const after = emulator.stats();
  if (child.code !== 0 && child.summary === null) {
    throw new Error(`${label} exited ${child.code}: ${child.stderr.slice(-2000)}`);
  }
  // The emulator keeps its last 10,000 requests: past that, the run's first one is gone (reported as unknown).
  const first = emulator.requestLog().find((entry) => entry.seq === before.log + 1);
  return {
    label,
    rows,
    seconds: child.seconds,
    engineSeconds: await lastRunSeconds(stateUrl),
    firstRequestSeconds: first ? (Date.parse(first.time) - child.startedAtMs) / 1000 : undefined,
    requests: after.requests - before.stats.requests,
    limited: after.queryLimitExceeded - before.stats.queryLimitExceeded,
    peakRssMb: child.peakRssMb,
    erpRowsRead: (await erpRowsRead(erpUrl)) - before.erpRead,
    status: child.status,
  };
}

export interface CliFigures {
  /** Wall clock (ms since the epoch) when the process was spawned. */
  readonly startedAtMs: number;
  /** Spawn to exit: start-up included. */
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly code: number | null;
  readonly stderr: string;
  /** The `--json` line the command printed last, if any. */
  readonly summary: Record<string, unknown> | null;
  readonly status: string;
}

/** Runs the built CLI with exactly `env`, sampling its peak RSS until it exits. */
export async function runCliMeasured(args: string[], env: Record<string, string>): Promise<CliFigures> {
  const startedAtMs = Date.now();
  const started = performance.now();
  const child = spawn(BIN, args, {
    cwd: ROOT,
    // The shebang's `env` finds node on PATH: this one, whatever else PATH holds.
    env: { ...env, PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let peakKb = 0;
  let code: number | null | undefined;
  while (code === undefined) {
    peakKb = Math.max(peakKb, peakRssKb(child.pid));
    code = await Promise.race([exited, sleep(100).then(() => undefined)]);
  }
  const summary = lastJson(stdout);
  return {
    startedAtMs,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peakKb / 1024,
    code,
    stderr,
    summary,
    status: typeof summary?.status === 'string' ? summary.status : code === 0 ? 'ok' : `exit ${code}`,
  };
}

function print(figures: Figures, rate: { drain: number; capacity: number }): void {
  const bound = Math.max(0, figures.requests - rate.capacity) / rate.drain;
  const efficiency = ratio(bound, figures.seconds);
  // The push: from the first request to the exit, start-up and the first page's planning left out.
  const push = ratio(bound, figures.seconds - (figures.firstRequestSeconds ?? figures.seconds));
  console.log(
    [
      figures.label.padEnd(17),
      `${figures.rows} rows`,
      `${figures.seconds.toFixed(1)} s`,
      `${Math.round(figures.rows / figures.seconds)} rows/s`,
      `engine ${figures.engineSeconds ? `${Math.round(figures.rows / figures.engineSeconds)} rows/s` : 'n/a'}`,
      `first request ${figures.firstRequestSeconds === undefined ? (figures.requests > 0 ? 'unknown' : 'none') : `${figures.firstRequestSeconds.toFixed(1)} s`}`,
      `${figures.requests} requests (${(figures.requests / figures.rows).toFixed(3)} per row)`,
      `bucket bound ${bound.toFixed(1)} s, efficiency ${efficiency} (push ${push})`,
      `${figures.limited} × 503`,
      `peak RSS ${figures.peakRssMb.toFixed(0)} MB`,
      `ERP rows read ${figures.erpRowsRead}`,
      figures.status,
    ].join(' | '),
  );
}

/** The bucket's best time over the time taken, to 3 places; 'n/a' when either is 0. */
export function ratio(bound: number, seconds: number): string {
  return seconds > 0 && bound > 0 ? (bound / seconds).toFixed(3) : 'n/a';
}

/** VmHWM: the process's peak resident set so far (0 once it is gone). */
export function peakRssKb(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function lastJson(stdout: string): Record<string, unknown> | null {
  const line = stdout.trim().split('\n').pop();
  try {
    return line ? (JSON.parse(line) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Odoo's shape: the deal's partner and currency names come from their own tables. */
const QUERY_SOURCE = `|
        SELECT o.id, o.name, o.state, o.amount_total, o.date_order, o.write_date,
               p.name AS partner_name, c.name AS currency
          FROM sale_order o
          LEFT JOIN res_partner p ON p.id = o.partner_id
          LEFT JOIN res_currency c ON c.id = o.currency_id`;

export function cliEnv(
  stateUrl: string,
  erpUrl: string,
  emulator: RunningEmulator,
  rate: string,
  source: 'table' | 'query' = 'table',
): Record<string, string> {
  const read = source === 'table' ? 'table: sale_order' : `query: ${QUERY_SOURCE}`;
  const config = join(tmpdir(), `bench-${randomUUID()}.yaml`);
  writeFileSync(
    config,
    `mappings:
  - name: ${MAPPING}
    source:
      ${read}
      key: id
      cursor: write_date
      lookback: 1m
    target: { originatorId: bench, categoryId: 0 }
    fields:
      TITLE: { template: "{{name}} {{partner_name}}", maxLength: 255 }
      OPPORTUNITY: { column: amount_total, type: money }
      CURRENCY_ID: { column: currency }
      STAGE_ID: { column: state, map: { draft: NEW, sent: PREPARATION, sale: EXECUTING, done: WON, cancel: LOSE } }
      BEGINDATE: { column: date_order, type: date }
`,
  );
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: stateUrl,
    ERP_DATABASE_URL: erpUrl,
    BITRIX24_WEBHOOK_URL: emulator.webhookUrl,
    BITRIX24_RATE_LIMIT: rate,
    SYNC_CONFIG: config,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    DEMO: 'off',
  };
}

export async function seedOrders(url: string, rows: number, cursorIndex = true): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE sale_order (
        id serial PRIMARY KEY, name text NOT NULL, state text NOT NULL, amount_total numeric(12, 2) NOT NULL,
        date_order date NOT NULL, write_date timestamp(6) NOT NULL DEFAULT clock_timestamp(),
        partner_name text NOT NULL, currency text NOT NULL, partner_id integer, currency_id integer)`);
    // Write dates one second apart up to now, indexed (as Odoo's): a lookback window holds a minute of edits.
    await client.query(
      `INSERT INTO sale_order (name, state, amount_total, date_order, partner_name, currency, partner_id,
                               currency_id, write_date)
       SELECT 'SO' || lpad(n::text, 7, '0'), (ARRAY['draft','sent','sale','done','cancel'])[1 + n % 5],
              round((n * 37.5 % 100000)::numeric, 2), date '2026-01-01' + (n % 300), 'Partner ' || (n % 97),
              (ARRAY['RUB','USD','EUR'])[1 + n % 3], n % 97, 1 + n % 3,
              localtimestamp - ($1::int - n) * interval '1 second'
         FROM generate_series(1, $1::int) AS n`,
      [rows],
    );
    if (cursorIndex) {
      await client.query('CREATE INDEX sale_order_write_date ON sale_order (write_date)');
    }
    await client.query(`CREATE TABLE res_partner AS SELECT n AS id, 'Partner ' || n AS name FROM generate_series(0, 96) AS n;
      ALTER TABLE res_partner ADD PRIMARY KEY (id);
      CREATE TABLE res_currency (id integer PRIMARY KEY, name text NOT NULL);
      INSERT INTO res_currency VALUES (1, 'RUB'), (2, 'USD'), (3, 'EUR')`);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/** Edits 1% of the orders (every hundredth), as a day of ERP work would: their write dates move to now. */
async function changeOnePercent(url: string): Promise<void> {
  await withClient(url, (client) =>
    client.query(
      `UPDATE sale_order SET amount_total = amount_total + 1, write_date = clock_timestamp() WHERE id % 100 = 0`,
    ),
  );
}

/** Seconds the last run took by its own record (undefined when it did not finish). */
function lastRunSeconds(stateUrl: string): Promise<number | undefined> {
  return withClient(stateUrl, async (client) => {
    const { rows } = await client.query<{ seconds: number | null }>(
      `SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM sync_run ORDER BY id DESC LIMIT 1`,
    );
    return rows[0]?.seconds ?? undefined;
  });
}

/** Tuples the ERP database handed out (sequential and index reads) since its statistics were reset. */
export function erpRowsRead(url: string): Promise<number> {
  return withClient(url, async (client) => {
    await client.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await client.query<{ read: string }>(
      `SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)::text AS read FROM pg_stat_user_tables`,
    );
    return Number(rows[0].read);
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function postgresServer(
  url: string | undefined,
): Promise<{ url: string; stop(): Promise<void> }> {
  if (url) {
    return { url, stop: () => Promise.resolve() };
  }
  const embedded: EmbeddedPostgresHandle = await startEmbeddedPostgres({
    dataDir: join(tmpdir(), `epg-bench-${randomUUID()}`),
    database: 'bench',
    persistent: false,
  });
  return embedded;
}

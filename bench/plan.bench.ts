import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { mappingSchema } from '../src/config/mapping.schema.js';
import type { ErpRow } from '../src/erp/erp-row.js';
import { mapRow } from '../src/sync/mapping/deal-mapping.js';
import { compileMapping, type CompiledMapping } from '../src/sync/mapping/mapping-compiler.js';
import { hashPayload } from '../src/sync/mapping/payload-hash.js';
import { BATCH_MAX_COMMANDS } from '../src/bitrix24/batch-command.js';
import { ChangeKind, type DealChange, type DealLinkState } from '../src/sync/plan/deal-change.js';
import { diffDeals, type RowDiffInput } from '../src/sync/plan/deal-diff.js';

const USAGE = `plan bench: map + hash + diff over synthetic ERP rows, page by page (batches counted, not built)
  --rows N        rows per size, repeatable (default 10000, 100000, 1000000)
  --changed R     share of rows changed since the last push (default 0.01)
  --page N        rows per page (default 1000)
Each size runs in a fresh process, so its peak RSS is its own.`;

/** The DESIGN §6 mapping (the source query is never run here). */
const MAPPING = mappingSchema.parse({
  name: 'odoo-orders',
  source: { table: 'sale_order', key: 'id', cursor: 'write_date', timezone: 'UTC' },
  target: { originatorId: 'odoo', categoryId: 0 },
  fields: {
    TITLE: { template: '{{name}} {{partner_name}}', maxLength: 255 },
    OPPORTUNITY: { column: 'amount_total', type: 'money' },
    CURRENCY_ID: { column: 'currency' },
    STAGE_ID: {
      column: 'state',
      map: { draft: 'NEW', sent: 'PREPARATION', sale: 'EXECUTING', done: 'WON', cancel: 'LOSE' },
    },
    BEGINDATE: { column: 'date_order', type: 'date', timezone: 'Europe/Moscow' },
    COMMENTS: { column: 'note', ownership: 'fillEmpty' },
    UF_CRM_ERP_NUMBER: { column: 'name' },
  },
  delete: { policy: 'close', stage: 'LOSE', maxPerRun: 100 },
});

const STATES = ['draft', 'sent', 'sale', 'done', 'cancel'];
const PARTNERS = ['Azure Interior', 'Deco Addict', 'Gemini Furniture', 'Lumber Inc', 'Ready Mat'];
const BASE_DAY_MS = Date.UTC(2022, 0, 1);

interface SizeResult {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** CPU time of the timed sections (all threads, GC helpers included): rows per second of one core's work. */
  readonly cpuSeconds: number;
  readonly rowsPerCpuSecond: number;
  /** Highest heapUsed sampled after a page (garbage included). */
  readonly peakHeapMb: number;
  /** Highest heapUsed after a forced full GC every 100 pages: what the run really keeps. */
  readonly retainedHeapMb: number;
  /** The process's maximum resident set size. */
  readonly peakRssMb: number;
  readonly summary: PlanSummary;
  readonly batches: number;
}

type PlanSummary = Record<ChangeKind, number>;

const WRITES = new Set([ChangeKind.Create, ChangeKind.Update, ChangeKind.Delete]);

/** Counts one page's changes into `summary`; returns how many cost a batch command. */
function tally(summary: PlanSummary, changes: readonly DealChange[]): number {
  let writes = 0;
  for (const change of changes) {
    summary[change.kind] += 1;
    writes += WRITES.has(change.kind) ? 1 : 0;
  }
  return writes;
}

const SELF = fileURLToPath(import.meta.url);

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: 'string', multiple: true },
      changed: { type: 'string', default: '0.01' },
      page: { type: 'string', default: '1000' },
      child: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const changed = Number(values.changed);
  const pageSize = Number(values.page);
  if (values.child) {
    const rows = Number(values.rows?.[0]);
    console.log(JSON.stringify(measure(compileMapping(MAPPING), rows, changed, pageSize)));
    return;
  }
  const sizes = values.rows ?? ['10000', '100000', '1000000'];
  printHeader(pageSize, changed);
  const results: SizeResult[] = [];
  for (const rows of sizes) {
    const result = await measureInChild(rows, values.changed, values.page);
    results.push(result);
    printRow(result);
  }
  console.log(JSON.stringify({ bench: 'plan', changed, pageSize, results }));
}

async function measureInChild(rows: string, changed: string, page: string): Promise<SizeResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', SELF, '--child', '--rows', rows, '--changed', changed, '--page', page],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as SizeResult;
}

function printHeader(pageSize: number, changed: number): void {
  console.log(
    `plan bench: DESIGN §6 mapping, ${pageSize} rows a page, ${changed * 100}% changed, node ${process.version}`,
  );
  const columns = ['rows', 'rows/s', 'rows/cpu-s', 'seconds', 'heap MB', 'kept MB', 'rss MB'];
  console.log(columns.map((name, index) => name.padStart([9, 9, 11, 8, 8, 8, 7][index])).join(' '), ' plan');
}

function printRow(result: SizeResult): void {
  const { create: creates, update: updates, unchanged, failed } = result.summary;
  console.log(
    String(result.rows).padStart(9),
    String(Math.round(result.rowsPerSecond)).padStart(9),
    String(Math.round(result.rowsPerCpuSecond)).padStart(11),
    result.seconds.toFixed(2).padStart(8),
    result.peakHeapMb.toFixed(0).padStart(8),
    result.retainedHeapMb.toFixed(1).padStart(8),
    result.peakRssMb.toFixed(0).padStart(7),
    ` ${updates} updates, ${creates} creates, ${unchanged} unchanged, ${failed} failed in ${result.batches} batches`,
  );
}

/** Builds each page (untimed: rows and their links as the reader and repository would hand them over), then times the diff. */
function measure(mapping: CompiledMapping, rows: number, changed: number, pageSize: number): SizeResult {
  const now = new Date();
  const changeEvery = changed > 0 ? Math.round(1 / changed) : Number.POSITIVE_INFINITY;
  const summary = Object.fromEntries(Object.values(ChangeKind).map((kind) => [kind, 0])) as PlanSummary;
  let writes = 0;
  let elapsed = 0;
  let cpuMicros = 0;
  let peakHeap = 0;
  let retainedHeap = 0;
  for (let start = 0; start < rows; start += pageSize) {
    const inputs = buildPage(mapping, start, Math.min(pageSize, rows - start), changeEvery);
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    writes += tally(summary, diffDeals(mapping, inputs, now));
    elapsed += performance.now() - began;
    const cpu = process.cpuUsage(cpuBefore);
    cpuMicros += cpu.user + cpu.system;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if ((start / pageSize) % 100 === 99 || start + pageSize >= rows) {
      retainedHeap = Math.max(retainedHeap, heapAfterGc());
    }
  }
  return {
    rows,
    seconds: elapsed / 1000,
    rowsPerSecond: rows / (elapsed / 1000),
    cpuSeconds: cpuMicros / 1e6,
    rowsPerCpuSecond: rows / (cpuMicros / 1e6),
    peakHeapMb: peakHeap / 2 ** 20,
    retainedHeapMb: retainedHeap / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    summary,
    batches: Math.ceil(writes / BATCH_MAX_COMMANDS),
  };
}

/** heapUsed after a full collection (when run with --expose-gc, as measureInChild does). */
function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function buildPage(
  mapping: CompiledMapping,
  start: number,
  count: number,
  changeEvery: number,
): RowDiffInput[] {
  const inputs: RowDiffInput[] = [];
  for (let id = start + 1; id <= start + count; id++) {
    const pushedRow = orderRow(id, 0);
    const isChanged = id % changeEvery === 0;
    inputs.push({ row: isChanged ? orderRow(id, 1) : pushedRow, link: pushedLink(mapping, pushedRow) });
  }
  return inputs;
}

/** An Odoo sale order as PostgreSQL prints it; `version` 1 is the same order edited (new amount). */
function orderRow(id: number, version: number): ErpRow {
  const key = String(id);
  const name = `S${key.padStart(7, '0')}`;
  const orderedAt = new Date(BASE_DAY_MS + (id % 1000) * 86_400_000 + (id % 86_400) * 1000);
  return {
    key: [key],
    erpKey: key,
    cursor: '2024-03-02 08:00:00.123456',
    values: {
      id,
      name,
      state: STATES[id % STATES.length],
      amount_total: `${(id % 100_000) + version * 10}.${String(id % 100).padStart(2, '0')}`,
      date_order: orderedAt.toISOString().replace('T', ' ').slice(0, 19),
      write_date: '2024-03-02 08:00:00.123456',
      note: id % 3 === 0 ? null : `Deliver to dock ${id % 7}`,
      partner_name: PARTNERS[id % PARTNERS.length],
      currency: id % 4 === 0 ? 'USD' : 'EUR',
    },
  };
}

function pushedLink(mapping: CompiledMapping, row: ErpRow): DealLinkState {
  const mapped = mapRow(mapping, row);
  if (!mapped.ok) {
    throw new Error(mapped.error.message);
  }
  return {
    dealId: Number(row.erpKey),
    payload: mapped.payload,
    payloadHash: hashPayload(mapped.payload, mapping.fieldTypes),
    removed: false,
    failedAttempts: 0,
    retryAt: null,
    parked: false,
    lastError: null,
  };
}

if (process.argv[1] === SELF) {
  await run(process.argv.slice(2));
}

import { parseArgs } from 'node:util';
import { splitWebhookUrl } from '../src/config/env.schema.js';
import type { RateLimitConfig, WebhookAuthConfig } from '../src/config/config.types.js';
import { Bitrix24Client } from '../src/bitrix24/bitrix24.client.js';
import { scaledClock, systemClock, type Clock } from '../src/bitrix24/clock.js';
import { CrmEntityGateway } from '../src/bitrix24/crm-entity.gateway.js';
import type { DealWriteOutcome } from '../src/bitrix24/crm-entity.types.js';
import { minimumDurationMs } from '../src/bitrix24/leaky-bucket.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';

const USAGE = `client bench: N deal creates through CrmEntityGateway (batches of 50) and, side by side, one request
per deal, both through the rate-limited client, against the emulator at default limits (2/50).
  --deals N           deals to create (default 5000)
  --speed S           emulator clock speed for the gateway run (default 1)
  --naive-speed S     emulator clock speed for the one-request-per-deal run (default 100)
  --naive-deals N     deals for the one-request-per-deal run (default: --deals; 0 skips it)
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
  const figures = [await gatewayRun(deals, positive(values.speed, '--speed'))];
  const naiveDeals = Number(values['naive-deals'] ?? deals);
  if (naiveDeals > 0) {
    figures.push(await naiveRun(naiveDeals, positive(values['naive-speed'], '--naive-speed')));
  }
  report(figures);
}

async function gatewayRun(deals: number, speed: number): Promise<Figures> {
  return onEmulator(speed, 'gateway, batches of 50', deals, async (client) =>
    new CrmEntityGateway(client).createMany(drafts(deals)),
  );
}

/** What a client without batching achieves: one crm.deal.add per deal, paced by the same limiter. */
async function naiveRun(deals: number, speed: number): Promise<Figures> {
  return onEmulator(speed, 'one request per deal', deals, (client) =>
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
  push: (client: Bitrix24Client) => Promise<DealWriteOutcome[]>,
): Promise<Figures> {
  const emulator = await startEmulator({ clockSpeed: speed, rateLimit: DEFAULT_RATE });
  const safetyMargin = Math.max(0.5, DEFAULT_RATE.drainPerSecond * speed * JITTER_SECONDS);
  const newClient = () =>
    new Bitrix24Client({
      auth: { kind: 'webhook', ...splitWebhookUrl(emulator.webhookUrl) },
      rateLimit: DEFAULT_RATE,
      clock: scaledClock(speed),
      safetyMargin,
    });
  await warmUp(newClient(), emulator);
  const client = newClient();
  try {
    const started = emulator.now();
    const outcomes = await push(client);
    const seconds = (emulator.now() - started) / 1000;
    const detail = `${label} (clock ×${speed}, margin ${safetyMargin})`;
    return figuresOf(detail, client, outcomes, seconds, emulatorRejections(emulator));
  } finally {
    await client.close();
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
      client,
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
  client: Bitrix24Client,
  outcomes: readonly DealWriteOutcome[],
  seconds: number,
  portal: { rejected: number; operatingErrors: number },
  rate: RateLimitConfig = DEFAULT_RATE,
): Figures {
  const counts = { ok: 0, failed: 0, unknown: 0 };
  outcomes.forEach((outcome) => (counts[outcome.status] += 1));
  const requests = client.stats.totalRequests;
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

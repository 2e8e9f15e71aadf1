import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { EmulatorOptions } from './emulator.options.js';

export const EMULATOR_USAGE = `Usage: npm run emulator -- [options]

  --port N                      listen port (default 0 = free port)
  --host ADDRESS                listen address (default 127.0.0.1; 0.0.0.0 inside a container network)
  --https                       serve HTTPS with a throwaway self-signed certificate
  --rate-limit D/C              leaky bucket drain per second / capacity (default 2/50; Enterprise 5/250)
  --clock-speed X               virtual time runs X times faster (default 1)
  --latency-ms N                real milliseconds added to each /rest answer (default 0)
  --drop-rate R                 share of /rest requests dropped before processing (0..1)
  --commit-then-drop-rate R     share applied and then dropped (response lost)
  --server-error-rate R         share answered 500 JSON / 502 HTML without running
  --seed N                      fault sequence seed (default 1)
  --operating-limit S           operating budget per method and 10 min, seconds (default 480)
  --batch-charge nested|batch   batch operating accounting (default nested)
  --method-cost S | M=S[,M=S]   simulated seconds per call: S for every method, M=S for method M
                                (repeatable; e.g. --method-cost crm.deal.add=0.1; default 0.05 each)
  --on-prem                     no time.operating / operating_reset_at
  --token-lifetime S            access-token lifetime in virtual seconds (default 3600)
  --webhook-user N              webhook owner id (default 1)
  --webhook-secret S            webhook secret (default random)
  --client-id S, --client-secret S   OAuth app credentials (default random)
  --user-fields A,B             UF_CRM_* deal fields (default UF_CRM_ERP_NUMBER)
  --categories 1:Wholesale,...  extra deal funnels (default 1:Wholesale)
  --currencies RUB,USD,EUR      portal currencies, first = base
  --timezone +03:00             portal offset
  --error-status-profile P      server-code (default) or docs
  --require-https               webhooks over plain HTTP answer INVALID_REQUEST
  --moved-to URL                answer every /rest request with 302 to this origin
  --help                        this text

Prints one JSON line {url, webhookUrl, oauth{...}, ca?} and runs until SIGINT/SIGTERM.`;

/** Command-line flags → EmulatorOptions; throws with the flag's name on a bad value. */
export function parseEmulatorArgs(argv: string[]): EmulatorOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      https: { type: 'boolean' },
      'rate-limit': { type: 'string' },
      'clock-speed': { type: 'string' },
      'latency-ms': { type: 'string' },
      'drop-rate': { type: 'string' },
      'commit-then-drop-rate': { type: 'string' },
      'server-error-rate': { type: 'string' },
      seed: { type: 'string' },
      'operating-limit': { type: 'string' },
      'batch-charge': { type: 'string' },
      'method-cost': { type: 'string', multiple: true },
      'on-prem': { type: 'boolean' },
      'token-lifetime': { type: 'string' },
      'webhook-user': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'user-fields': { type: 'string' },
      categories: { type: 'string' },
      currencies: { type: 'string' },
      timezone: { type: 'string' },
      'error-status-profile': { type: 'string' },
      'require-https': { type: 'boolean' },
      'moved-to': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    return 'help';
  }
  const num = (flag: string, value: string | undefined) => {
    if (value === undefined) {
      return undefined;
    }
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) {
      throw new RangeError(`--${flag} needs a number, got '${value}'`);
    }
    return parsed;
  };
  const list = (value: string | undefined) =>
    value
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const options: EmulatorOptions = {
    port: num('port', values.port),
    host: values.host,
    https: values.https,
    rateLimit: parseRateLimit(values['rate-limit']),
    clockSpeed: num('clock-speed', values['clock-speed']),
    latencyMs: num('latency-ms', values['latency-ms']),
    faults: {
      dropRate: num('drop-rate', values['drop-rate']),
      commitThenDropRate: num('commit-then-drop-rate', values['commit-then-drop-rate']),
      serverErrorRate: num('server-error-rate', values['server-error-rate']),
      seed: num('seed', values.seed),
    },
    operating: {
      limitSeconds: num('operating-limit', values['operating-limit']),
      batchCharge: parseBatchCharge(values['batch-charge']),
      ...(values['method-cost'] === undefined
        ? {}
        : { methodCostSeconds: parseMethodCosts(values['method-cost']) }),
    },
    cloud: values['on-prem'] ? false : undefined,
    accessTokenLifetimeSeconds: num('token-lifetime', values['token-lifetime']),
    userFields: list(values['user-fields']),
    categories: parseCategories(values.categories),
    currencies: list(values.currencies),
    timezoneOffset: values.timezone,
    errorStatusProfile: parseProfile(values['error-status-profile']),
    access: values['require-https'] ? { requireHttps: true } : undefined,
    movedTo: values['moved-to'],
  };
  if (values['webhook-secret'] !== undefined || values['webhook-user'] !== undefined) {
    options.webhook = {
      userId: num('webhook-user', values['webhook-user']) ?? 1,
      secret: values['webhook-secret'] ?? randomBytes(8).toString('hex'),
    };
  }
  if (values['client-id'] !== undefined || values['client-secret'] !== undefined) {
    if (values['client-id'] === undefined || values['client-secret'] === undefined) {
      throw new RangeError('--client-id and --client-secret go together');
    }
    options.oauth = { clientId: values['client-id'], clientSecret: values['client-secret'] };
  }
  return dropUndefined(options);
}

function parseRateLimit(value: string | undefined): EmulatorOptions['rateLimit'] {
  if (value === undefined) {
    return undefined;
  }
  const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(value);
  if (!match) {
    throw new RangeError(`--rate-limit must look like 2/50, got '${value}'`);
  }
  return { drainPerSecond: Number(match[1]), capacity: Number(match[2]) };
}

/** `0.1` sets every method ('*'); `crm.deal.add=0.1` one method (lower-cased like the server does). */
function parseMethodCosts(values: readonly string[]): Record<string, number> {
  const costs: Record<string, number> = {};
  for (const entry of values.flatMap((value) => value.split(','))) {
    const [name, cost] = entry.includes('=') ? entry.split('=', 2) : ['*', entry];
    const seconds = Number(cost);
    if (!name?.trim() || cost === undefined || cost.trim() === '' || !(seconds >= 0)) {
      throw new RangeError(`--method-cost entries must look like 0.1 or crm.deal.add=0.1, got '${entry}'`);
    }
    costs[name.trim().toLowerCase()] = seconds;
  }
  return costs;
}

function parseBatchCharge(value: string | undefined): 'nested' | 'batch' | undefined {
  if (value === undefined || value === 'nested' || value === 'batch') {
    return value;
  }
  throw new RangeError(`--batch-charge must be nested or batch, got '${value}'`);
}

function parseProfile(value: string | undefined): 'server-code' | 'docs' | undefined {
  if (value === undefined || value === 'server-code' || value === 'docs') {
    return value;
  }
  throw new RangeError(`--error-status-profile must be server-code or docs, got '${value}'`);
}

function parseCategories(value: string | undefined): EmulatorOptions['categories'] {
  if (value === undefined) {
    return undefined;
  }
  return value
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const match = /^(\d+):(.+)$/.exec(item.trim());
      if (!match) {
        throw new RangeError(`--categories entries must look like 1:Wholesale, got '${item}'`);
      }
      return { id: Number(match[1]), name: match[2] ?? '' };
    });
}

function dropUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

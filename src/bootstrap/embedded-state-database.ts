import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.types.js';
import { Secret } from '../config/secret.js';
import { describeDatabaseUrl } from '../config/url-redaction.js';
import type { EmbeddedPostgresHandle } from '../persistence/embedded-postgres.js';

export interface StateDatabase {
  readonly url: Secret;
  /** Stops the embedded server; nothing for a configured DATABASE_URL. */
  stop(): Promise<void>;
}

/** Embedded data lives in the project folder (git-ignored), so it survives restarts like a real database. */
export const EMBEDDED_DATA_DIR = join('.data', 'postgres');

/** DATABASE_URL when set; otherwise (outside the container image) an embedded PostgreSQL. */
export async function openStateDatabase(
  config: AppConfig,
  logger: Logger,
  cwd = process.cwd(),
): Promise<StateDatabase> {
  if (config.stateDatabaseUrl) {
    logger.info(`State database: ${describeDatabaseUrl(config.stateDatabaseUrl.reveal())}`);
    return { url: config.stateDatabaseUrl, stop: () => Promise.resolve() };
  }
  const dataDir = chooseDataDir(cwd);
  const handle = await startEmbedded(dataDir);
  logger.warn(
    `DATABASE_URL is not set: using the embedded PostgreSQL with its data in ${dataDir} ` +
      '(fine for trying things out; set DATABASE_URL to a PostgreSQL of yours for real use)',
  );
  return { url: new Secret(handle.url), stop: () => handle.stop() };
}

async function startEmbedded(dataDir: string): Promise<EmbeddedPostgresHandle> {
  const before = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const { startEmbeddedPostgres } = await import('../persistence/embedded-postgres.js');
  // embedded-postgres installs SIGINT/SIGTERM hooks that stop the server and exit at once, racing our graceful
  // shutdown (a run would lose its database mid-transaction). We stop it ourselves, after the app has closed.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before.has(listener)) {
        process.removeListener(signal, listener);
      }
    }
  }
  return startEmbeddedPostgres({ dataDir, database: 'sync' });
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

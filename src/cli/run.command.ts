import type { INestApplicationContext } from '@nestjs/common';
import { loadConfigFromProcess } from '../config/config.loader.js';
import { RunMode, RunStatus, RunTrigger, type SyncRun } from '../persistence/entities/sync-run.entity.js';
import { SyncRunRepository } from '../persistence/sync-run.repository.js';
import { SyncService } from '../sync/sync.service.js';
import { EXIT_FAILURE, EXIT_OK, type CliCommand } from './cli-command.js';
import { withEngine } from './engine-context.js';
import { formatProgressLine } from './run-progress.js';

const TTY_REDRAW_MS = 500;
const PLAIN_EVERY_MS = 10_000;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Run one sync of a mapping now, showing progress; exit 0 when it succeeded',
  usage: 'erp-bitrix24-sync run --mapping NAME [--full | --reconcile] [--json]',
  options: {
    mapping: { type: 'string' },
    full: { type: 'boolean' },
    reconcile: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const mapping = requireMapping(values.mapping);
    const mode = values.reconcile ? RunMode.Reconcile : values.full ? RunMode.Full : RunMode.Incremental;
    const run = await withEngine(loadConfigFromProcess(), (app) =>
      withProgress(app, mapping, () =>
        app.get(SyncService).runAndWait({ mapping, mode, trigger: RunTrigger.Manual, requestedBy: 'cli' }),
      ),
    );
    process.stdout.write(values.json ? `${JSON.stringify(runSummary(run))}\n` : `${describeRun(run)}\n`);
    return run.status === RunStatus.Succeeded ? EXIT_OK : EXIT_FAILURE;
  },
};

export function requireMapping(value: string | boolean | undefined): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error('--mapping NAME is required (the mapping names are in the mapping file)');
  }
  return value;
}

/** The `--json` summary: run id, status and counters. */
export function runSummary(run: SyncRun) {
  return {
    runId: run.id,
    mapping: run.mapping,
    mode: run.mode,
    status: run.status,
    rowsRead: run.rowsRead,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    unchanged: run.unchanged,
    failed: run.failed,
    error: run.error,
  };
}

function describeRun(run: SyncRun): string {
  const summary = runSummary(run);
  return (
    `Run ${run.id} ${run.status}: ${summary.created} created, ${summary.updated} updated, ${summary.deleted} deleted, ` +
    `${summary.unchanged} unchanged, ${summary.failed} failed (${summary.rowsRead} rows read)` +
    (run.error ? `\n${run.error}` : '')
  );
}

/** A redrawn bar on a terminal; a plain line every few seconds otherwise (logs, CI). */
async function withProgress<T>(
  app: INestApplicationContext,
  mapping: string,
  work: () => Promise<T>,
): Promise<T> {
  const runs = app.get(SyncRunRepository);
  const tty = process.stderr.isTTY === true;
  const timer = setInterval(
    () => {
      void runs.findLatest(mapping).then((run) => {
        if (run?.startedAt) {
          const line = formatProgressLine({
            ...run,
            elapsedSeconds: (Date.now() - run.startedAt.getTime()) / 1000,
          });
          process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
        }
      });
    },
    tty ? TTY_REDRAW_MS : PLAIN_EVERY_MS,
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
    if (tty) {
      process.stderr.write('\n');
    }
  }
}

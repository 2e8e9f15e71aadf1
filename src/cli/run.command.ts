import type { INestApplicationContext } from '@nestjs/common';
import { Bitrix24Client } from '../bitrix24/bitrix24.client.js';
import type { Bitrix24StatsSnapshot } from '../bitrix24/bitrix24.stats.js';
import { loadConfigFromProcess } from '../config/config.loader.js';
import type { AppConfig } from '../config/config.types.js';
import { RunMode, RunStatus, RunTrigger, type SyncRun } from '../persistence/entities/sync-run.entity.js';
import { SyncRunRepository } from '../persistence/sync-run.repository.js';
import { SyncService } from '../sync/sync.service.js';
import { describeError, EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand } from './cli-command.js';
import { withEngine } from './engine-context.js';
import { formatProgressLine } from './run-progress.js';
import { ProgressDisplay } from './progress-display.js';

const TTY_REDRAW_MS = 500;
const PLAIN_EVERY_MS = 10_000;

export const MAPPING_OPTION = {
  type: 'string',
  valueName: 'NAME',
  description: 'The mapping to sync (a name from the mapping file); required',
} as const;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Run one sync of a mapping now, showing progress; exit 0 when it succeeded',
  usage: 'erp-bitrix24-sync run --mapping NAME [--full | --reconcile] [--json]',
  options: {
    mapping: MAPPING_OPTION,
    full: {
      type: 'boolean',
      description: 'Walk every ERP key (finds deletes and missed updates), not only changes',
    },
    reconcile: {
      type: 'boolean',
      description: 'Compare the CRM with the ERP and report or repair differences',
    },
    json: {
      type: 'boolean',
      description: 'Print the run summary as one JSON line on stdout (also on failure)',
    },
  },
  async run(values) {
    const mode = values.reconcile ? RunMode.Reconcile : values.full ? RunMode.Full : RunMode.Incremental;
    try {
      const config = loadConfigFromProcess();
      const mapping = requireMapping(values.mapping, config);
      const display = new ProgressDisplay(process.stderr, process.stderr.isTTY === true);
      let sent: RequestsSent = { requests: 0, rateLimited: 0 };
      const run = await withEngine(
        config,
        async (app) => {
          const finished = await withProgress(app, mapping, display, () =>
            app
              .get(SyncService)
              .runAndWait({ mapping, mode, trigger: RunTrigger.Manual, requestedBy: 'cli' }),
          );
          sent = requestsSent(app.get(Bitrix24Client).stats.snapshot());
          return finished;
        },
        display,
      );
      process.stdout.write(
        values.json ? `${JSON.stringify({ ...runSummary(run), ...sent })}\n` : `${describeRun(run)}\n`,
      );
      return run.status === RunStatus.Succeeded ? EXIT_OK : EXIT_FAILURE;
    } catch (error) {
      if (values.json) {
        process.stdout.write(`${JSON.stringify(failedSummary(values.mapping, mode, error))}\n`);
      }
      throw error;
    }
  },
};

/** The mapping named on the command line, which the mapping file must have. */
export function requireMapping(value: string | boolean | undefined, config: AppConfig): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError('--mapping NAME is required (the mapping names are in the mapping file)');
  }
  if (!config.mappings.some((mapping) => mapping.name === value)) {
    const names = config.mappings.map((mapping) => mapping.name);
    throw new UsageError(
      `Unknown mapping "${value}"; ${config.syncConfigPath} has ${names.length === 0 ? 'none' : names.join(', ')}`,
    );
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

/** What this process sent to the portal: every process on one portal shares its budget, so each counts its own. */
interface RequestsSent {
  readonly requests: number;
  /** Requests the portal answered QUERY_LIMIT_EXCEEDED (HTTP 503). */
  readonly rateLimited: number;
}

function requestsSent(stats: Bitrix24StatsSnapshot): RequestsSent {
  return {
    requests: stats.requests.reduce((total, entry) => total + entry.count, 0),
    rateLimited: stats.rateLimitedResponses,
  };
}

/** The `--json` line when no run could start (configuration, state database, unknown mapping). */
function failedSummary(mapping: string | boolean | undefined, mode: RunMode, error: unknown) {
  return {
    runId: null,
    mapping: typeof mapping === 'string' ? mapping : null,
    mode,
    status: RunStatus.Failed,
    error: describeError(error),
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

/** A redrawn bar on a terminal; a plain line every few seconds otherwise (logs, CI); the run's last frame. */
async function withProgress(
  app: INestApplicationContext,
  mapping: string,
  display: ProgressDisplay,
  work: () => Promise<SyncRun>,
): Promise<SyncRun> {
  const runs = app.get(SyncRunRepository);
  let finished = false;
  const timer = setInterval(
    () => {
      void runs.findLatest(mapping).then(
        (run) => {
          if (!finished && run?.startedAt && !run.finishedAt) {
            display.show(progressLine(run));
          }
        },
        () => undefined,
      );
    },
    display.tty ? TTY_REDRAW_MS : PLAIN_EVERY_MS,
  );
  try {
    const run = await work();
    finished = true;
    // Nothing planned: the summary line says so, a bar at 0 % would only confuse.
    display.finish(run.startedAt && run.planned > 0 ? progressLine(run) : undefined);
    return run;
  } finally {
    clearInterval(timer);
  }
}

function progressLine(run: SyncRun): string {
  const end = run.finishedAt ?? new Date();
  return formatProgressLine({
    ...run,
    elapsedSeconds: (end.getTime() - (run.startedAt ?? end).getTime()) / 1000,
  });
}

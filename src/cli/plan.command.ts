import { loadConfigFromProcess } from '../config/config.loader.js';
import { OperationAction, OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import { RunMode, RunTrigger } from '../persistence/entities/sync-run.entity.js';
import { SyncLogRepository, type PlannedOperationView } from '../persistence/sync-log.repository.js';
import type { MappingConfig } from '../config/config.types.js';
import { entityCounter } from '../sync/plan/entity-counts.js';
import { SyncService } from '../sync/sync.service.js';
import { EXIT_FAILURE, EXIT_OK, type CliCommand } from './cli-command.js';
import { withEngine } from './engine-context.js';
import { MAPPING_OPTION, requireMapping } from './run.command.js';

/** Operations read and printed per statement and per write (a first sync prints one line per ERP row). */
const PAGE = 5_000;

export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'Dry run: show what a run would change, field by field; nothing is written to Bitrix24',
  usage: 'erp-bitrix24-sync plan --mapping NAME [--full] [--json]',
  options: {
    mapping: MAPPING_OPTION,
    full: { type: 'boolean', description: 'Plan over every ERP key (finds deletes and missed updates)' },
    json: { type: 'boolean', description: 'One JSON line per change, then one summary line, on stdout' },
  },
  async run(values) {
    const config = loadConfigFromProcess();
    const mapping = requireMapping(values.mapping, config);
    const json = values.json === true;
    const summary = await withEngine(config, async (app) => {
      const run = await app.get(SyncService).runAndWait({
        mapping,
        mode: values.full ? RunMode.Full : RunMode.Incremental,
        trigger: RunTrigger.Manual,
        dryRun: true,
        requestedBy: 'cli plan',
      });
      if (run.error && run.rowsRead === 0) {
        throw new Error(run.error);
      }
      const counts = { creates: 0, updates: 0, deletes: 0, unchanged: run.unchanged, failed: 0 };
      const entities = entityCounter(
        config.mappings.find((candidate) => candidate.name === mapping) as MappingConfig,
        config.mappings,
      );
      const log = app.get(SyncLogRepository);
      let afterId: string | null = null;
      for (;;) {
        const operations = await log.listPlannedOperations(run.id, { afterId, limit: PAGE });
        if (operations.length === 0) {
          break;
        }
        const lines = operations.map((operation) => {
          countOperation(counts, operation);
          entities.add({ ...operation, planned: operation.status === OperationStatus.Planned });
          return json ? JSON.stringify(operationJson(operation)) : describeOperation(operation);
        });
        await write(`${lines.join('\n')}\n`);
        afterId = operations[operations.length - 1].id;
      }
      if (run.error) {
        process.stderr.write(`${run.error}\n`);
      }
      return { ...counts, entities: entities.counts() };
    });
    process.stdout.write(
      json
        ? `${JSON.stringify(summary)}\n`
        : `\n${summary.creates} to create, ${summary.updates} to update, ${summary.deletes} to delete or close, ` +
            `${summary.unchanged} unchanged, ${summary.failed} failing\n`,
    );
    return summary.failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};

function countOperation(
  counts: { creates: number; updates: number; deletes: number; failed: number },
  operation: PlannedOperationView,
): void {
  if (operation.status !== OperationStatus.Planned) {
    counts.failed++;
  } else if (operation.action === OperationAction.Create) {
    counts.creates++;
  } else if (operation.action === OperationAction.Update) {
    counts.updates++;
  } else {
    counts.deletes++;
  }
}

function operationJson(operation: PlannedOperationView) {
  return {
    erpKey: operation.erpKey,
    action: operation.action,
    dealId: operation.dealId,
    changes: operation.changes,
    error: operation.errorMessage ? { code: operation.errorCode, message: operation.errorMessage } : null,
  };
}

/** `update 42 (deal 1017)` then one indented `FIELD: old → new` line per field. */
export function describeOperation(operation: PlannedOperationView): string {
  const head = `${operation.status === OperationStatus.Planned ? operation.action : 'FAIL'} ${operation.erpKey}${
    operation.dealId ? ` (deal ${operation.dealId})` : ''
  }`;
  if (operation.errorMessage) {
    return `${head}\n    ${operation.errorCode ? `${operation.errorCode}: ` : ''}${operation.errorMessage}`;
  }
  const fields = Object.entries(operation.changes).map(
    ([field, change]) => `    ${field}: ${show(change.old)} → ${show(change.new)}`,
  );
  return [head, ...fields].join('\n');
}

const show = (value: unknown): string =>
  value === null || value === undefined ? '∅' : JSON.stringify(value);

/** Waits for stdout to drain, so printing a million changes holds one page in memory, not all of them. */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

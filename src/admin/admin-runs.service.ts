import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { RunStatus, type SyncRun } from '../persistence/entities/sync-run.entity.js';
import { SyncConsoleRepository } from '../persistence/sync-console.repository.js';
import { SyncLogRepository } from '../persistence/sync-log.repository.js';
import { tallyOperations } from '../sync/run-tally.js';
import type { OperationView, PageView, RunDetailView, RunView } from './admin.responses.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import type { ListOperationsQuery } from './dto/list-operations.query.js';
import type { ListRunsQuery } from './dto/list-runs.query.js';
import { computeRunProgress } from './run-progress.js';
import { toOperationView, toRunView } from './sync-log.views.js';

@Injectable()
export class AdminRunsService {
  private readonly redact = (text: string) => this.scrubber.scrub(text);

  constructor(
    private readonly syncLog: SyncLogRepository,
    private readonly queries: SyncConsoleRepository,
    private readonly mappings: AdminMappingsService,
    private readonly scrubber: SecretScrubber,
  ) {}

  async listRuns(query: ListRunsQuery): Promise<PageView<RunView>> {
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from.getTime() >= to.getTime()) {
      throw new BadRequestException('from must be earlier than to');
    }
    if (query.mapping !== undefined) {
      await this.mappings.assertKnown(query.mapping);
    }
    const page = await this.syncLog.listRuns(
      { mapping: query.mapping, statuses: query.status, triggers: query.trigger, from, to },
      { afterId: query.cursor === undefined ? undefined : Number(query.cursor), limit: query.limit },
    );
    return {
      items: page.items.map((run) => toRunView(run, this.redact)),
      nextCursor: page.hasMore ? String(page.items[page.items.length - 1].id) : null,
    };
  }

  async getRun(id: number, now = new Date()): Promise<RunDetailView> {
    const run = await this.findRun(id);
    const [operations, failedRows, waitingFor] = await Promise.all([
      this.syncLog.countRunOperationsByStatus(id),
      run.dryRun ? null : this.queries.failedRowsFinishedLater(id),
      run.status === RunStatus.Queued ? this.queries.blockingRun(run.mapping, id) : null,
    ]);
    const logged = tallyOperations(operations);
    // Retention prunes operations, never runs: a run without logged operations keeps its own counters.
    const counters =
      logged.total > 0 ? { planned: logged.total, applied: logged.applied, failed: logged.failed } : run;
    return {
      ...toRunView(run, this.redact),
      cursorFrom: run.cursorFrom,
      cursorTo: run.cursorTo,
      progress: computeRunProgress({ ...run, ...counters }, now),
      operations,
      failedRows: failedRows === null || failedRows.failed === 0 ? null : failedRows,
      waitingFor: waitingFor === null ? null : { runId: waitingFor.id, status: waitingFor.status },
    };
  }

  async listOperations(runId: number, query: ListOperationsQuery): Promise<PageView<OperationView>> {
    await this.findRun(runId);
    const page = await this.syncLog.listRunOperations(
      runId,
      { statuses: query.status, actions: query.action, erpKey: query.key },
      { afterId: query.cursor, limit: query.limit },
    );
    return {
      items: page.items.map((operation) => toOperationView(operation, this.redact)),
      nextCursor: page.hasMore ? page.items[page.items.length - 1].id : null,
    };
  }

  async findRun(id: number): Promise<SyncRun> {
    const run = await this.syncLog.findRun(id);
    if (run === null) {
      throw new NotFoundException(`Run ${id} not found`);
    }
    return run;
  }
}

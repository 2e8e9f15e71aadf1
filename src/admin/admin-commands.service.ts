import { ConflictException, Injectable } from '@nestjs/common';
import { RunTrigger } from '../persistence/entities/sync-run.entity.js';
import { SyncService } from '../sync/sync.service.js';
import type { CancelAcceptedView, RunAcceptedView } from './admin.responses.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import { AdminRunsService } from './admin-runs.service.js';
import type { ResyncBody } from './dto/resync.body.js';

export const DEFAULT_REQUESTED_BY = 'admin-api';

/** The operator's commands, handed to the sync engine. */
@Injectable()
export class AdminCommandsService {
  constructor(
    private readonly sync: SyncService,
    private readonly runs: AdminRunsService,
    private readonly mappings: AdminMappingsService,
  ) {}

  async resync(body: ResyncBody): Promise<RunAcceptedView> {
    this.mappings.assertConfigured(body.mapping);
    const runId = await this.sync.requestRun({
      mapping: body.mapping,
      mode: body.mode,
      erpKeys: body.erpKeys,
      dryRun: body.dryRun ?? false,
      requestedBy: body.requestedBy ?? DEFAULT_REQUESTED_BY,
      trigger: RunTrigger.Manual,
    });
    return { runId };
  }

  async cancel(runId: number): Promise<CancelAcceptedView> {
    await this.runs.findRun(runId);
    if (!(await this.sync.cancel(runId))) {
      const { status } = await this.runs.findRun(runId);
      throw new ConflictException(`Run ${runId} has already finished (${status}); nothing to cancel`);
    }
    return { runId, cancelRequested: true };
  }

  async retry(runId: number): Promise<RunAcceptedView> {
    await this.runs.findRun(runId);
    return { runId: await this.sync.retry(runId) };
  }
}

import { ConflictException, Injectable } from '@nestjs/common';
import { DealLinkRepository } from '../persistence/deal-link.repository.js';
import { RunMode, RunTrigger } from '../persistence/entities/sync-run.entity.js';
import { SyncService } from '../sync/sync.service.js';
import type { AttentionRetryView } from './admin.responses.js';
import { AdminAttentionService } from './admin-attention.service.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import type { AttentionGroupQuery } from './dto/attention.query.js';

export const CONSOLE_REQUESTED_BY = 'log-viewer';

/** An operator's retry of rows that are failed or parked now: released from parking, then one run for exactly them. */
@Injectable()
export class AdminRetryService {
  constructor(
    private readonly sync: SyncService,
    private readonly links: DealLinkRepository,
    private readonly attention: AdminAttentionService,
    private readonly mappings: AdminMappingsService,
  ) {}

  async retryGroup(group: AttentionGroupQuery): Promise<AttentionRetryView> {
    this.mappings.assertConfigured(group.mapping);
    const keys = (await this.attention.groupKeys(group)).map((row) => row.erpKey);
    return { runId: await this.retryKeys(group.mapping, keys), erpKeys: keys.length };
  }

  async retryRecord(mapping: string, erpKey: string): Promise<AttentionRetryView> {
    this.mappings.assertConfigured(mapping);
    const link = await this.links.findOne(mapping, erpKey);
    if (link === null || link.failedAttempts === 0) {
      throw new ConflictException(`ERP key "${erpKey}" of mapping "${mapping}" is neither failed nor parked`);
    }
    return { runId: await this.retryKeys(mapping, [erpKey]), erpKeys: 1 };
  }

  private async retryKeys(mapping: string, erpKeys: string[]): Promise<number> {
    await this.links.releaseKeysForRetry(mapping, erpKeys, new Date());
    return this.sync.requestRun({
      mapping,
      mode: RunMode.Incremental,
      erpKeys,
      trigger: RunTrigger.Retry,
      requestedBy: CONSOLE_REQUESTED_BY,
    });
  }
}

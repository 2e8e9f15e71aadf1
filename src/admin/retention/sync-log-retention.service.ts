import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.types.js';
import { SyncLogRepository } from '../../persistence/sync-log.repository.js';

const DAY_MS = 86_400_000;

/** Rows per DELETE: short statements keep locks and WAL bursts small on a busy state database. */
export const DEFAULT_PRUNE_CHUNK = 5_000;

/** Keeps the sync log bounded: operations older than RETENTION_DAYS go, run summaries stay. */
@Injectable()
export class SyncLogRetentionService {
  private readonly logger = new Logger(SyncLogRetentionService.name);

  constructor(
    private readonly syncLog: SyncLogRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Deletes expired operations chunk by chunk; resolves with how many went. */
  async pruneExpiredOperations(now = new Date(), chunkSize = DEFAULT_PRUNE_CHUNK): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    let total = 0;
    let deleted: number;
    do {
      deleted = await this.syncLog.pruneOperationsChunk(cutoff, chunkSize);
      total += deleted;
    } while (deleted === chunkSize);
    this.logger.log(
      `Retention: pruned ${total} operation(s) created before ${cutoff.toISOString()} ` +
        `(RETENTION_DAYS=${this.config.retentionDays}); run summaries kept`,
    );
    return total;
  }
}

import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { SyncLogRetentionService } from './sync-log-retention.service.js';

@Injectable()
export class SyncLogRetentionScheduler {
  constructor(private readonly retention: SyncLogRetentionService) {}

  @Cron(CronExpression.EVERY_DAY_AT_4AM, { name: 'sync-log-retention' })
  async pruneDaily(): Promise<void> {
    await this.retention.pruneExpiredOperations();
  }
}

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { RunMode } from '../persistence/entities/sync-run.entity.js';
import { SyncService } from '../sync/sync.service.js';
import { scheduledJobs } from './scheduled-jobs.js';

/** One cron job per mapping and mode; each tick only hands off to the sync service. */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncScheduler.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly sync: SyncService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync.resumeQueued();
    for (const job of scheduledJobs(this.config.mappings)) {
      const cron = CronJob.from({
        cronTime: job.cron,
        onTick: () => this.tick(job.mapping, job.mode),
        start: true,
      });
      this.registry.addCronJob(job.name, cron);
      this.logger.log(`${job.mapping}: ${job.mode} runs on "${job.cron}" (next ${cron.nextDate().toISO()})`);
    }
  }

  private tick(mapping: string, mode: RunMode): void {
    this.sync.requestScheduledRun(mapping, mode).catch((error: unknown) => {
      this.logger.error(`Scheduled ${mode} run of ${mapping} could not start: ${(error as Error).message}`);
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { backlogSamples } from '../metrics/backlog-samples.js';
import { SyncConsoleRepository } from '../persistence/sync-console.repository.js';
import { SyncLogRepository } from '../persistence/sync-log.repository.js';
import type { HealthOverviewView } from './admin.responses.js';
import { toMappingHealthView } from './mapping-health.js';
import { nextScheduledAt } from './mapping-summary.js';

const RECENT_RUNS = 24;

/** Each configured mapping's health: freshness as /metrics computes it, rows needing attention, recent runs. */
@Injectable()
export class AdminOverviewService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly syncLog: SyncLogRepository,
    private readonly queries: SyncConsoleRepository,
    private readonly scrubber: SecretScrubber,
  ) {}

  async overview(now = new Date()): Promise<HealthOverviewView> {
    const names = this.config.mappings.map((mapping) => mapping.name);
    const [unsynced, lastRuns, succeeded, attention, recent] = await Promise.all([
      this.syncLog.countUnsyncedRows(),
      this.syncLog.findLatestRuns(names),
      this.queries.lastSucceededAt(names),
      this.queries.attentionCounts(names),
      this.queries.recentRuns(names, RECENT_RUNS),
    ]);
    const freshness = new Map(
      backlogSamples(names, unsynced, now).oldest.map((sample) => [sample.mapping, sample.ageSeconds]),
    );
    const redact = (text: string) => this.scrubber.scrub(text);
    return {
      generatedAt: now.toISOString(),
      mappings: this.config.mappings.map((mapping) =>
        toMappingHealthView(
          {
            name: mapping.name,
            enabled: mapping.enabled,
            nextRunAt: mapping.enabled ? nextScheduledAt(mapping.schedule, now) : null,
            lastSucceededAt: succeeded.get(mapping.name),
            freshnessSeconds: freshness.get(mapping.name),
            attention: attention.get(mapping.name),
            recentRuns: recent.filter((run) => run.mapping === mapping.name),
            lastRun: lastRuns.get(mapping.name),
          },
          redact,
        ),
      ),
    };
  }
}

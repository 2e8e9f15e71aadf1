import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { SyncLogRepository } from '../persistence/sync-log.repository.js';
import type { MappingSummaryView } from './admin.responses.js';
import { summarizeMapping } from './mapping-summary.js';

@Injectable()
export class AdminMappingsService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly syncLog: SyncLogRepository,
    private readonly scrubber: SecretScrubber,
  ) {}

  async listMappings(now = new Date()): Promise<MappingSummaryView[]> {
    const names = this.config.mappings.map((mapping) => mapping.name);
    const lastRuns = await this.syncLog.findLatestRuns(names);
    const redact = (text: string) => this.scrubber.scrub(text);
    return this.config.mappings.map((mapping) =>
      summarizeMapping(mapping, lastRuns.get(mapping.name), now, redact),
    );
  }

  /** A mapping of the mapping file, or one that left it but still has runs or links in the sync log. */
  async assertKnown(name: string): Promise<void> {
    if (!this.isConfigured(name) && !(await this.syncLog.hasHistory(name))) {
      throw this.unknown(name);
    }
  }

  assertConfigured(name: string): void {
    if (!this.isConfigured(name)) {
      throw this.unknown(name);
    }
  }

  private isConfigured(name: string): boolean {
    return this.config.mappings.some((mapping) => mapping.name === name);
  }

  private unknown(name: string): NotFoundException {
    const names = this.config.mappings.map((mapping) => mapping.name);
    return new NotFoundException(
      `Unknown mapping "${name}"; the mapping file has ${names.length === 0 ? 'none' : names.join(', ')}`,
    );
  }
}

import { Injectable, NotFoundException } from '@nestjs/common';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { SyncLogRepository } from '../persistence/sync-log.repository.js';
import type { RecordTimelineView } from './admin.responses.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import { toLinkView, toOperationView } from './sync-log.views.js';

/** Retention bounds a record's history; this bounds one answer. */
const MAX_TIMELINE_OPERATIONS = 500;

@Injectable()
export class AdminRecordsService {
  constructor(
    private readonly syncLog: SyncLogRepository,
    private readonly mappings: AdminMappingsService,
    private readonly scrubber: SecretScrubber,
  ) {}

  /** One ERP row's link and every operation that touched it, newest first. */
  async recordTimeline(mapping: string, erpKey: string): Promise<RecordTimelineView> {
    await this.mappings.assertKnown(mapping);
    const [link, operations] = await Promise.all([
      this.syncLog.findLink(mapping, erpKey),
      this.syncLog.listRecordOperations(mapping, erpKey, MAX_TIMELINE_OPERATIONS),
    ]);
    if (link === null && operations.items.length === 0) {
      throw new NotFoundException(
        `Mapping "${mapping}" has no link and no operations for ERP key "${erpKey}"`,
      );
    }
    const redact = (text: string) => this.scrubber.scrub(text);
    return {
      mapping,
      erpKey,
      link: link === null ? null : toLinkView(link, redact),
      operations: operations.items.map((operation) => toOperationView(operation, redact)),
      truncated: operations.hasMore,
    };
  }
}

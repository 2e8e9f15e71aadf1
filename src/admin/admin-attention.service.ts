import { Injectable, NotFoundException } from '@nestjs/common';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { SyncConsoleRepository, type AttentionKeyRow } from '../persistence/sync-console.repository.js';
import type { AttentionView } from './admin.responses.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import { toCsv } from './attention-csv.js';
import { toAttentionGroupView } from './attention-groups.js';
import type { AttentionGroupQuery, AttentionQuery } from './dto/attention.query.js';
import { MAX_RESYNC_KEYS } from './dto/resync.body.js';
import { cleanStoredError } from './stored-error.js';

const CSV_HEADER = [
  'mapping',
  'erp_key',
  'deal_id',
  'state',
  'failed_attempts',
  'next_retry_at',
  'last_failed_at',
  'error',
];

/** Rows that are failed or parked now, across runs, grouped by their error. */
@Injectable()
export class AdminAttentionService {
  private readonly redact = (text: string) => this.scrubber.scrub(text);

  constructor(
    private readonly queries: SyncConsoleRepository,
    private readonly mappings: AdminMappingsService,
    private readonly scrubber: SecretScrubber,
  ) {}

  async attention(query: AttentionQuery, now = new Date()): Promise<AttentionView> {
    if (query.mapping !== undefined) {
      await this.mappings.assertKnown(query.mapping);
    }
    const rows = await this.queries.attentionGroups({
      mapping: query.mapping,
      errorContains: query.error,
      since: query.since === undefined ? undefined : new Date(query.since),
    });
    const groups = rows.map((row) => toAttentionGroupView(row, this.redact));
    return {
      generatedAt: now.toISOString(),
      rows: groups.reduce((sum, group) => sum + group.rows, 0),
      groups,
    };
  }

  /** The group's keys (at most MAX_RESYNC_KEYS, what one run may be asked for); 404 when the group is empty. */
  async groupKeys(query: AttentionGroupQuery): Promise<AttentionKeyRow[]> {
    const since = query.since === undefined ? undefined : new Date(query.since);
    const rows = await this.queries.attentionKeys(query.mapping, query.fingerprint, since, MAX_RESYNC_KEYS);
    if (rows.length === 0) {
      throw new NotFoundException(
        `No failed or parked rows of mapping "${query.mapping}" have that error now (a later run may have fixed them)`,
      );
    }
    return rows;
  }

  async exportCsv(query: AttentionGroupQuery): Promise<string> {
    const rows = await this.groupKeys(query);
    return toCsv(
      CSV_HEADER,
      rows.map((row) => [
        query.mapping,
        row.erpKey,
        row.dealId,
        row.parked ? 'parked' : 'failed',
        row.failedAttempts,
        row.parked ? null : row.retryAt,
        row.lastFailedAt,
        this.redact(cleanStoredError(row.lastError)),
      ]),
    );
  }
}

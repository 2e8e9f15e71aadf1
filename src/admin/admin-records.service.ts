import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig, MappingConfig } from '../config/config.types.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { SyncConsoleRepository, type SearchHit } from '../persistence/sync-console.repository.js';
import { SyncLogRepository } from '../persistence/sync-log.repository.js';
import type {
  RecordTimelineView,
  RelatedChildrenView,
  RelatedRecordView,
  SearchHitView,
} from './admin.responses.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import { numberFailures } from './failure-numbers.js';
import { crmCardUrl, portalOrigin } from './portal-links.js';
import { toLinkView, toOperationView } from './sync-log.views.js';

/** Retention bounds a record's history; this bounds one answer. */
const MAX_TIMELINE_OPERATIONS = 500;
const MAX_SEARCH_HITS = 50;
const MAX_CHILDREN_LISTED = 20;

@Injectable()
export class AdminRecordsService {
  private readonly redact = (text: string) => this.scrubber.scrub(text);
  private readonly portal: string | null;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly syncLog: SyncLogRepository,
    private readonly queries: SyncConsoleRepository,
    private readonly mappings: AdminMappingsService,
    private readonly scrubber: SecretScrubber,
  ) {
    this.portal = portalOrigin(config.bitrix24.auth?.portalUrl);
  }

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
    const dryRuns = await this.queries.dryRunIds([...new Set(operations.items.map((item) => item.runId))]);
    const entries = operations.items.map((operation) => ({
      ...toOperationView(operation, this.redact),
      dryRun: dryRuns.has(operation.runId),
    }));
    const failureNumbers = numberFailures(entries);
    const config = this.config.mappings.find((each) => each.name === mapping);
    const entity = config?.entity ?? 'deal';
    const crmId = link?.removed ? null : (link?.dealId ?? null);
    return {
      mapping,
      entity,
      erpKey,
      link: link === null ? null : toLinkView(link, this.redact),
      dealUrl: crmCardUrl(this.portal, entity, link?.dealId ?? null),
      parents: config ? await this.parentsOf(config, link?.payload ?? null) : [],
      children: crmId === null ? [] : await this.childrenOf(mapping, crmId),
      maxAttempts: this.config.mappings.find((each) => each.name === mapping)?.retry.maxAttempts ?? null,
      operations: entries.map((entry, index) => ({ ...entry, failureNumber: failureNumbers[index] })),
      truncated: operations.hasMore,
    };
  }

  /** The records a record points at through its link fields, from the payload last pushed. */
  private async parentsOf(
    config: MappingConfig,
    payload: Record<string, unknown> | null,
  ): Promise<RelatedRecordView[]> {
    const parents: RelatedRecordView[] = [];
    for (const [field, spec] of Object.entries(config.fields)) {
      const parent = this.config.mappings.find((each) => each.name === spec.link);
      if (parent === undefined) {
        continue;
      }
      const crmId = crmIdOf(payload?.[field]);
      parents.push({
        mapping: parent.name,
        entity: parent.entity,
        field,
        crmId,
        erpKey: crmId === null ? null : await this.queries.keyOfCrmId(parent.name, crmId),
        url: crmCardUrl(this.portal, parent.entity, crmId),
      });
    }
    return parents;
  }

  /** The records of other mappings that point at this one (a company's deals), a few of each. */
  private async childrenOf(mapping: string, crmId: number): Promise<RelatedChildrenView[]> {
    const children: RelatedChildrenView[] = [];
    for (const child of this.config.mappings) {
      for (const [field, spec] of Object.entries(child.fields)) {
        if (spec.link !== mapping) {
          continue;
        }
        const found = await this.queries.linkedChildren(child.name, field, crmId, MAX_CHILDREN_LISTED);
        children.push({
          mapping: child.name,
          entity: child.entity,
          field,
          total: found.total,
          records: found.records.map((record) => ({
            mapping: child.name,
            entity: child.entity,
            field,
            erpKey: record.erpKey,
            crmId: record.crmId,
            url: crmCardUrl(this.portal, child.entity, record.crmId),
          })),
        });
      }
    }
    return children;
  }

  /** Records whose ERP key is `text`, or whose deal id is `text`, in every configured mapping. */
  async search(text: string): Promise<SearchHitView[]> {
    const names = this.config.mappings.map((mapping) => mapping.name);
    const dealId = /^[1-9]\d{0,9}$/.test(text) && Number(text) <= 2_147_483_647 ? Number(text) : null;
    const hits = await this.queries.search(names, text, dealId, MAX_SEARCH_HITS);
    return hits.map((hit) => ({
      mapping: hit.mapping,
      erpKey: hit.erpKey,
      dealId: hit.dealId,
      dealUrl: crmCardUrl(this.portal, 'deal', hit.dealId),
      state: searchState(hit),
    }));
  }
}

function searchState(hit: SearchHit): SearchHitView['state'] {
  if (!hit.linked) {
    return 'not linked';
  }
  if (hit.parked) {
    return 'parked';
  }
  return hit.failedAttempts > 0 ? 'failed' : 'synced';
}

/** A link field's pushed value: the parent's Bitrix24 id (a number or its text), or null when empty. */
function crmIdOf(value: unknown): number | null {
  const id = Number(value);
  return value !== null && value !== '' && Number.isInteger(id) && id > 0 ? id : null;
}

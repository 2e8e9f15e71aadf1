import { CronTime } from 'cron';
import type { MappingConfig } from '../config/config.types.js';
import { createViaOf } from '../config/create-via.js';
import type { SyncRun } from '../persistence/entities/sync-run.entity.js';
import type { MappingSummaryView } from './admin.responses.js';
import { toRunView, type Redact } from './sync-log.views.js';

const QUERY_PREVIEW_LENGTH = 160;

/** A mapping as operators see it: no secrets, the query shortened, next scheduled times from `now`. */
export function summarizeMapping(
  mapping: MappingConfig,
  lastRun: SyncRun | undefined,
  now: Date,
  redact: Redact,
): MappingSummaryView {
  const next = (expression: string | undefined) =>
    mapping.enabled ? nextScheduledAt(expression, now) : null;
  return {
    name: mapping.name,
    entity: mapping.entity,
    enabled: mapping.enabled,
    source: {
      table: mapping.source.table ?? null,
      query: mapping.source.query === undefined ? null : redact(shortenQuery(mapping.source.query)),
      key: [...mapping.source.key],
      cursor: mapping.source.cursor ?? null,
      lookbackSeconds: mapping.source.lookback / 1000,
    },
    schedule: mapping.schedule ?? null,
    fullSweep: mapping.fullSweep ?? null,
    reconcile: mapping.reconcile ?? null,
    nextRunAt: next(mapping.schedule),
    nextFullSweepAt: next(mapping.fullSweep),
    target: {
      originatorId: mapping.target.originatorId,
      categoryId: mapping.target.categoryId,
      createVia: mapping.entity === 'deal' ? [...createViaOf(mapping.target)] : [`crm.${mapping.entity}.add`],
    },
    fields: Object.keys(mapping.fields),
    delete: {
      policy: mapping.delete.policy,
      stage: mapping.delete.stage ?? null,
      maxPerRun: mapping.delete.maxPerRun,
    },
    lastRun: lastRun === undefined ? null : toRunView(lastRun, redact),
  };
}

/** The first time after `now` that the cron expression fires (server time zone, as the scheduler runs it). */
export function nextScheduledAt(expression: string | undefined, now: Date): string | null {
  if (expression === undefined) {
    return null;
  }
  return new CronTime(expression).getNextDateFrom(now).toJSDate().toISOString();
}

/** `SELECT o.id,\n  o.name FROM …` → one line, cut at a readable length. */
export function shortenQuery(query: string): string {
  const line = query.replace(/\s+/g, ' ').trim();
  return line.length <= QUERY_PREVIEW_LENGTH ? line : `${line.slice(0, QUERY_PREVIEW_LENGTH - 1)}…`;
}

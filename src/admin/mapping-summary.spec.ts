import { describe, expect, it } from '@jest/globals';
import { designMapping } from '../../test/support/sync.factory.js';
import { nextScheduledAt, shortenQuery, summarizeMapping } from './mapping-summary.js';

const redactNothing = (text: string) => text;

describe(nextScheduledAt.name, () => {
  it.each([
    ['every five minutes', '*/5 * * * *', '2026-03-01T12:03:10.000', '2026-03-01T12:05:00.000'],
    ['on the hour', '0 * * * *', '2026-03-01T12:03:10.000', '2026-03-01T13:00:00.000'],
    [
      'exactly at a firing time: the next one',
      '*/5 * * * *',
      '2026-03-01T12:05:00.000',
      '2026-03-01T12:10:00.000',
    ],
    ['daily at 03:00, after it', '0 3 * * *', '2026-03-01T04:00:00.000', '2026-03-02T03:00:00.000'],
  ])('%s', (_case, expression, now, expected) => {
    // Local times: the scheduler fires in the server's time zone.
    expect(nextScheduledAt(expression, new Date(now))).toBe(new Date(expected).toISOString());
  });

  it('is null without a schedule', () => {
    expect(nextScheduledAt(undefined, new Date())).toBeNull();
  });
});

describe(shortenQuery.name, () => {
  it('collapses whitespace onto one line', () => {
    expect(shortenQuery('  SELECT id,\n\t name\n  FROM   orders  ')).toBe('SELECT id, name FROM orders');
  });

  it('cuts a long query at 160 characters with an ellipsis', () => {
    const shortened = shortenQuery(`SELECT ${'column_name, '.repeat(30)}id FROM orders`);

    expect(shortened).toHaveLength(160);
    expect(shortened.endsWith('…')).toBe(true);
  });
});

describe(summarizeMapping.name, () => {
  it('has no next run times for a disabled mapping', () => {
    const summary = summarizeMapping(
      { ...designMapping(), enabled: false },
      undefined,
      new Date(),
      redactNothing,
    );

    expect(summary).toMatchObject({ enabled: false, nextRunAt: null, nextFullSweepAt: null, lastRun: null });
  });

  it('lists the field names and the delete policy of the DESIGN example', () => {
    const summary = summarizeMapping(designMapping(), undefined, new Date(), redactNothing);

    expect(summary.fields).toEqual([
      'TITLE',
      'OPPORTUNITY',
      'CURRENCY_ID',
      'STAGE_ID',
      'BEGINDATE',
      'COMMENTS',
      'UF_CRM_ERP_NUMBER',
    ]);
    expect(summary.delete).toEqual({ policy: 'close', stage: 'LOSE', maxPerRun: 100 });
  });

  it('passes the query through the redaction', () => {
    const summary = summarizeMapping(designMapping(), undefined, new Date(), (text) =>
      text.replace('sale_order', '[redacted]'),
    );

    expect(summary.source.query).toContain('FROM [redacted] o');
  });
});

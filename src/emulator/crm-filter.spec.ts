import { describe, expect, it } from '@jest/globals';
import { CrmFieldMap, type StoredRecord } from './deal-fields.js';
import { compareRecords, matchesFilter, parseFilter, parseOrder } from './crm-filter.js';
import { parseOffset } from './portal-time.js';

const fields = new CrmFieldMap(['UF_CRM_X']);
const offset = parseOffset('+03:00');
const deal: StoredRecord = {
  ID: 10,
  TITLE: 'Big Order',
  STAGE_ID: 'NEW',
  OPPORTUNITY: 150.5,
  COMPANY_ID: 3,
  ORIGIN_ID: 'ab-1',
  COMMENTS: null,
  BEGINDATE: '2024-05-01',
  DATE_MODIFY: Date.parse('2024-05-01T12:00:00+03:00'),
};

describe('parseFilter', () => {
  it('reads operator prefixes and drops unknown or write-only keys', () => {
    const parsed = parseFilter(
      { '>=ID': 1, '!@STAGE_ID': ['WON'], TYPO: 1, title: 'x', CONTACT_IDS: [1] },
      fields,
    );
    expect(parsed.map((c) => [c.op, c.field.name])).toEqual([
      ['>=', 'ID'],
      ['!@', 'STAGE_ID'],
    ]);
  });

  it('degrades LIKE on status/company/contact fields to =', () => {
    expect(
      parseFilter({ '%STAGE_ID': 'NE', '%COMPANY_ID': 3, '%TITLE': 'x' }, fields).map((c) => c.op),
    ).toEqual(['=', '=', '%']);
  });
});

describe('matchesFilter', () => {
  it.each<[Record<string, unknown>, boolean]>([
    [{ ID: '10' }, true],
    [{ ID: 'x' }, false],
    [{ '>ID': '9' }, true],
    [{ '<=OPPORTUNITY': '150.5' }, true],
    [{ '<OPPORTUNITY': 150.5 }, false],
    [{ '@ID': [1, 10] }, true],
    [{ '!@ID': [1, 10] }, false],
    [{ ORIGIN_ID: 'AB-1' }, true],
    [{ '%TITLE': 'order' }, true],
    [{ '!%TITLE': 'order' }, false],
    [{ '=%TITLE': 'Big%' }, true],
    [{ '=%TITLE': 'Big' }, false],
    [{ '%=TITLE': '%Ord_r' }, true],
    [{ COMMENTS: '' }, true],
    [{ '!COMMENTS': '' }, false],
    [{ '!ORIGIN_ID': 'zz' }, true],
    [{ '>BEGINDATE': '2024-04-30' }, true],
    [{ '>=DATE_MODIFY': '2024-05-01T09:00:00Z' }, true],
    [{ '>DATE_MODIFY': '2024-05-01T12:00:00' }, false],
    [{ '>DATE_MODIFY': 'garbage' }, false],
    [{ '>COMMENTS': 'a' }, false],
  ])('%j → %s', (filter, expected) => {
    expect(matchesFilter(deal, parseFilter(filter, fields), offset)).toBe(expected);
  });
});

describe('compareRecords', () => {
  const a: StoredRecord = { ID: 1, STAGE_ID: 'WON', OPPORTUNITY: null };
  const b: StoredRecord = { ID: 2, STAGE_ID: 'NEW', OPPORTUNITY: 5 };
  const stageSort = (stage: string) => (stage === 'NEW' ? 10 : 60);

  it('orders STAGE_ID by stage sort, NULL first ascending, and falls back to ID', () => {
    const sort = (order: Record<string, string>) =>
      [a, b].sort((x, y) => compareRecords(x, y, parseOrder(order, fields), stageSort)).map((d) => d.ID);
    expect(sort({ STAGE_ID: 'ASC' })).toEqual([2, 1]);
    expect(sort({ OPPORTUNITY: 'asc' })).toEqual([1, 2]);
    expect(sort({ OPPORTUNITY: 'DESC' })).toEqual([2, 1]);
    expect(sort({ NOPE: 'DESC' })).toEqual([1, 2]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { bindPrimary } from './crm-entity-store.js';
import type { StoredRecord } from './deal-fields.js';

describe(bindPrimary.name, () => {
  it.each<[string, StoredRecord, StoredRecord, number | null, number[]]>([
    [
      'a list replaces the bindings; its first entry is primary',
      { CONTACT_IDS: [5, 6] },
      { CONTACT_ID: 1, CONTACT_IDS: [1, 2] },
      5,
      [5, 6],
    ],
    ['an empty list clears them', { CONTACT_IDS: [] }, { CONTACT_ID: 1, CONTACT_IDS: [1] }, null, []],
    [
      'a primary alone replaces the old primary at the front',
      { CONTACT_ID: 9 },
      { CONTACT_ID: 1, CONTACT_IDS: [1, 2] },
      9,
      [9, 2],
    ],
    [
      'a primary already in the list moves to the front',
      { CONTACT_ID: 2 },
      { CONTACT_ID: 1, CONTACT_IDS: [1, 2, 3] },
      2,
      [2, 3],
    ],
    [
      'a null primary drops the old one',
      { CONTACT_ID: null },
      { CONTACT_ID: 1, CONTACT_IDS: [1, 2] },
      2,
      [2],
    ],
    ['neither keeps the bindings', { TITLE: 'x' }, { CONTACT_ID: 1, CONTACT_IDS: [1, 2] }, 1, [1, 2]],
    ['a first primary on add', { CONTACT_ID: 4 }, {}, 4, [4]],
  ])('%s', (_name, input, current, primary, list) => {
    const record: StoredRecord = { ...current, ...input };
    bindPrimary(record, input, current, 'CONTACT_ID', 'CONTACT_IDS');
    expect(record).toMatchObject({ CONTACT_ID: primary, CONTACT_IDS: list });
  });
});

import { describe, expect, it } from '@jest/globals';
import { multiItemsForAdd, multiItemsForUpdate, ownedMultiValue } from './multi-field-items.js';

const record = {
  ID: '5',
  EMAIL: [
    { ID: '11', VALUE: 'home@example.com', VALUE_TYPE: 'HOME', TYPE_ID: 'EMAIL' },
    { ID: '12', VALUE: 'work@example.com', VALUE_TYPE: 'WORK', TYPE_ID: 'EMAIL' },
  ],
};
const multi = { EMAIL: 'WORK' };

describe(multiItemsForAdd.name, () => {
  it('sends a value as one item of its type, and leaves an empty one out', () => {
    expect(multiItemsForAdd({ TITLE: 'A', EMAIL: 'a@example.com' }, multi)).toEqual({
      TITLE: 'A',
      EMAIL: [{ VALUE: 'a@example.com', VALUE_TYPE: 'WORK' }],
    });
    expect(multiItemsForAdd({ TITLE: 'A', EMAIL: '' }, multi)).toEqual({ TITLE: 'A' });
  });
});

describe(multiItemsForUpdate.name, () => {
  it.each([
    [
      'changes the owned value in place by its ID',
      'new@example.com',
      [{ ID: '12', VALUE: 'new@example.com', VALUE_TYPE: 'WORK' }],
    ],
    ['removes the owned value when the ERP empties it', '', [{ ID: '12', DELETE: 'Y' }]],
    ['sends nothing when the owned value already holds it', 'work@example.com', undefined],
  ])('%s', (_name, value, items) => {
    expect(multiItemsForUpdate({ EMAIL: value }, multi, record).EMAIL).toEqual(items);
  });

  it('adds a value only when the record has none of the owned type', () => {
    expect(multiItemsForUpdate({ EMAIL: 'x@example.com' }, { EMAIL: 'MAILING' }, record).EMAIL).toEqual([
      { VALUE: 'x@example.com', VALUE_TYPE: 'MAILING' },
    ]);
    expect(multiItemsForUpdate({ EMAIL: '' }, { EMAIL: 'MAILING' }, null)).toEqual({});
  });

  it('leaves fields that are not multi-fields, and multi-fields the update does not set, alone', () => {
    expect(multiItemsForUpdate({ TITLE: 'B' }, multi, record)).toEqual({ TITLE: 'B' });
  });
});

describe(ownedMultiValue.name, () => {
  it('reads the value of the owned type, or empty', () => {
    expect(ownedMultiValue(record.EMAIL, 'WORK')).toBe('work@example.com');
    expect(ownedMultiValue(record.EMAIL, 'OTHER')).toBe('');
    expect(ownedMultiValue(undefined, 'WORK')).toBe('');
  });
});

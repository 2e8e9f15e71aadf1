import { describe, expect, it } from '@jest/globals';
import { applyMultiInput, printMultiValues, readMultiInput, type MultiValue } from './multi-fields.js';

const sequence = () => {
  let next = 100;
  return () => next++;
};

const phones = (values: Array<[number, string]>): MultiValue[] =>
  values.map(([id, value]) => ({ id, typeId: 'PHONE', valueType: 'WORK', value }));

describe(applyMultiInput.name, () => {
  it('adds every item on add with its own id and a default value type', () => {
    const input = readMultiInput({
      PHONE: [{ VALUE: '+1 555' }],
      EMAIL: [{ VALUE: 'a@b.io', VALUE_TYPE: 'home' }],
      TITLE: 'x',
    });
    expect(applyMultiInput([], input, 'add', sequence())).toEqual([
      { id: 100, typeId: 'PHONE', valueType: 'WORK', value: '+1 555' },
      { id: 101, typeId: 'EMAIL', valueType: 'HOME', value: 'a@b.io' },
    ]);
  });

  it('changes a value by ID, removes with DELETE or an empty VALUE, and adds items without ID', () => {
    const current = phones([
      [1, '111'],
      [2, '222'],
      [3, '333'],
    ]);
    const input = readMultiInput({
      PHONE: [
        { ID: 1, VALUE: '444', VALUE_TYPE: 'MOBILE' },
        { ID: 2, DELETE: 'Y' },
        { ID: '3' },
        { VALUE: '555' },
      ],
    });
    expect(applyMultiInput(current, input, 'update', sequence())).toEqual([
      { id: 1, typeId: 'PHONE', valueType: 'MOBILE', value: '444' },
      { id: 100, typeId: 'PHONE', valueType: 'WORK', value: '555' },
    ]);
  });

  it('piles up a duplicate when the same value is re-sent without its ID (the real portal does)', () => {
    const current = phones([[1, '111']]);
    const again = applyMultiInput(
      current,
      readMultiInput({ PHONE: [{ VALUE: '111' }] }),
      'update',
      sequence(),
    );
    expect(again.map((value) => value.value)).toEqual(['111', '111']);
  });

  it('ignores an ID of another field or record and a non-array value', () => {
    const current = phones([[1, '111']]);
    const input = readMultiInput({ EMAIL: [{ ID: 1, VALUE: 'x@y.io' }], PHONE: '999' });
    expect(applyMultiInput(current, input, 'update', sequence())).toEqual(current);
  });

  it('refuses an invalid e-mail with ERROR_CORE naming the field', () => {
    expect(() =>
      applyMultiInput([], readMultiInput({ EMAIL: [{ VALUE: 'not-an-email' }] }), 'add', sequence()),
    ).toThrow('The field "Work e-mail" contains an invalid address');
  });
});

describe(printMultiValues.name, () => {
  it('prints string ids, groups by field and leaves out fields without values or not selected', () => {
    const values: MultiValue[] = [
      { id: 7, typeId: 'EMAIL', valueType: 'WORK', value: 'a@b.io' },
      { id: 8, typeId: 'PHONE', valueType: 'WORK', value: '1' },
    ];
    expect(printMultiValues(values, new Set(['EMAIL']))).toEqual({
      EMAIL: [{ ID: '7', VALUE_TYPE: 'WORK', VALUE: 'a@b.io', TYPE_ID: 'EMAIL' }],
    });
  });
});

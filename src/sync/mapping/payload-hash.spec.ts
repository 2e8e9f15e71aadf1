import { describe, expect, it } from '@jest/globals';
import { designMapping, odooRow } from '../../../test/support/sync.factory.js';
import { mapRow } from './deal-mapping.js';
import type { FieldTypes } from './mapped-payload.js';
import { compileMapping } from './mapping-compiler.js';
import { canonicalPayload, hashMappedPayload, hashPayload } from './payload-hash.js';

const types: FieldTypes = {
  TITLE: 'string',
  OPPORTUNITY: 'money',
  BEGINDATE: 'date',
  UF_CRM_SHIPPED_AT: 'datetime',
  OPENED: 'boolean',
  CATEGORY_ID: 'integer',
};

const base = {
  TITLE: 'S00042 Azure Interior',
  OPPORTUNITY: '1000.50',
  BEGINDATE: '2024-08-30',
  UF_CRM_SHIPPED_AT: '2024-08-30T13:15:00+03:00',
  OPENED: 'Y',
  CATEGORY_ID: 0,
};

describe(hashPayload.name, () => {
  it('is a sha256 hex digest', () => {
    expect(hashPayload(base, types)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Record<string, unknown>]>([
    ['keys in another order', Object.fromEntries(Object.entries(base).reverse())],
    ['money without trailing zero', { ...base, OPPORTUNITY: '1000.5' }],
    ['money as a number', { ...base, OPPORTUNITY: 1000.5 }],
    ['a date read back as shifted midnight', { ...base, BEGINDATE: '2024-08-30T02:00:00+02:00' }],
    ['the same instant in another offset', { ...base, UF_CRM_SHIPPED_AT: '2024-08-30T10:15:00+00:00' }],
    ['a boolean as true', { ...base, OPENED: true }],
    ['an integer as text', { ...base, CATEGORY_ID: '0' }],
  ])('hashes equal payloads equal: %s', (_name, variant) => {
    expect(hashPayload(variant, types)).toBe(hashPayload(base, types));
  });

  it('treats empty text and null alike', () => {
    expect(hashPayload({ ...base, TITLE: '' }, types)).toBe(hashPayload({ ...base, TITLE: null }, types));
  });

  it.each<[string, Record<string, unknown>]>([
    ['another amount', { ...base, OPPORTUNITY: '1000.51' }],
    ['another date', { ...base, BEGINDATE: '2024-08-31' }],
    ['another instant', { ...base, UF_CRM_SHIPPED_AT: '2024-08-30T13:15:01+03:00' }],
    ['another title', { ...base, TITLE: 'S00042 Azure interior' }],
    ['a field emptied', { ...base, TITLE: null }],
    ['a field added', { ...base, COMMENTS: 'x' }],
    ['a field removed', { TITLE: base.TITLE }],
  ])('hashes different payloads differently: %s', (_name, variant) => {
    expect(hashPayload(variant, types)).not.toBe(hashPayload(base, types));
  });

  it('serializes sorted keys with canonical values', () => {
    expect(
      canonicalPayload({ OPPORTUNITY: 5, BEGINDATE: '2024-08-30T02:00:00+02:00', TITLE: 'a"b' }, types),
    ).toBe('{"BEGINDATE":"2024-08-30","OPPORTUNITY":"5.00","TITLE":"a\\"b"}');
  });
});

describe(hashMappedPayload.name, () => {
  it.each([
    ['a full row', {}],
    ['NULLs', { note: null, partner_name: null, amount_total: null }],
    ['odd text', { name: 'quote " backslash \\ newline \n', note: '😀' }],
  ])('equals hashPayload for mapped payloads: %s', (_name, values) => {
    const mapping = compileMapping(designMapping());
    const mapped = mapRow(mapping, odooRow(values));
    if (!mapped.ok) {
      throw new Error(mapped.error.message);
    }

    expect(hashMappedPayload(mapping, mapped.payload)).toBe(hashPayload(mapped.payload, mapping.fieldTypes));
  });
});

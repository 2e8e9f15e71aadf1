import { describe, expect, it } from '@jest/globals';
import { CrmFieldMap } from './deal-fields.js';
import { parseOffset } from './portal-time.js';

const fields = new CrmFieldMap(['UF_CRM_ERP']);
const offset = parseOffset('+03:00');

describe(CrmFieldMap.name, () => {
  it('internalizes known fields with PHP casts and drops everything the server drops', () => {
    expect(
      fields.internalize(
        {
          TITLE: 42,
          OPPORTUNITY: '1234.567',
          PROBABILITY: '30%',
          ASSIGNED_BY_ID: '7',
          BEGINDATE: '2024-01-31',
          CLOSEDATE: 'soon',
          COMMENTS: '',
          CONTACT_IDS: ['3', 0, 'x', 4],
          UF_CRM_ERP: 'A1',
          Title: 'x',
          UF_CRM_OTHER: 1,
          ID: 5,
          DATE_MODIFY: '2020-01-01',
        },
        'add',
        offset,
      ),
    ).toEqual({
      TITLE: '42',
      OPPORTUNITY: 1234.57,
      PROBABILITY: 30,
      ASSIGNED_BY_ID: 7,
      BEGINDATE: '2024-01-31',
      COMMENTS: null,
      CONTACT_IDS: [3, 4],
      UF_CRM_ERP: 'A1',
    });
  });

  it('drops immutable fields on update and allows import fields only on add with IMPORT', () => {
    expect(fields.internalize({ CATEGORY_ID: 1, TITLE: 't' }, 'update', offset)).toEqual({ TITLE: 't' });
    expect(fields.internalize({ DATE_CREATE: '2020-01-01T10:00:00+03:00' }, 'add', offset, true)).toEqual({
      DATE_CREATE: Date.parse('2020-01-01T07:00:00Z'),
    });
  });

  it('externalizes strings, 2-decimal money, shifted dates and null, hiding write-only fields', () => {
    const deal = fields.externalize(
      {
        ID: 5,
        OPPORTUNITY: 10,
        BEGINDATE: '2024-01-31',
        DATE_CREATE: Date.parse('2024-01-31T10:00:00Z'),
        CONTACT_IDS: [3],
      },
      offset,
    );
    expect(deal).toMatchObject({
      ID: '5',
      OPPORTUNITY: '10.00',
      BEGINDATE: '2024-01-31T03:00:00+03:00',
      DATE_CREATE: '2024-01-31T13:00:00+03:00',
      TITLE: null,
      UF_CRM_ERP: null,
    });
    expect(deal).not.toHaveProperty('CONTACT_IDS');
  });

  it('rejects user field names that are not UF_CRM_*', () => {
    expect(() => new CrmFieldMap(['ERP_NUMBER'])).toThrow('UF_CRM_');
  });
});

import { describe, expect, it } from '@jest/globals';
import { toItemFields } from './crm-item-fields.js';

describe('toItemFields', () => {
  it('writes deal fields the way crm.item.* names them, user fields unchanged', () => {
    expect(
      toItemFields({
        TITLE: 'SO042',
        STAGE_ID: 'NEW',
        CATEGORY_ID: 0,
        OPPORTUNITY: '12.50',
        CURRENCY_ID: 'RUB',
        ORIGINATOR_ID: 'odoo',
        ORIGIN_ID: '42',
        IS_MANUAL_OPPORTUNITY: 'Y',
        BEGINDATE: '2026-01-02',
        ASSIGNED_BY_ID: 1,
        UF_CRM_ERP_NUMBER: 'SO042',
      }),
    ).toEqual({
      title: 'SO042',
      stageId: 'NEW',
      categoryId: 0,
      opportunity: '12.50',
      currencyId: 'RUB',
      originatorId: 'odoo',
      originId: '42',
      isManualOpportunity: 'Y',
      begindate: '2026-01-02',
      assignedById: 1,
      UF_CRM_ERP_NUMBER: 'SO042',
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import type { MappingConfig } from '../../config/config.types.js';
import { designMapping } from '../../../test/support/sync.factory.js';
import { checkMappingAgainstPortal, formatFindings, type PortalFacts } from './portal-findings.js';

const field = (isReadOnly = false) => ({
  type: 'string',
  isRequired: false,
  isReadOnly,
  isImmutable: false,
  isMultiple: false,
});
const stage = (statusId: string) => ({ statusId, name: statusId, sort: 10, semantics: 'process' as const });

const portal = (overrides: Partial<PortalFacts> = {}): PortalFacts => ({
  fields: Object.fromEntries(
    ['TITLE', 'OPPORTUNITY', 'CURRENCY_ID', 'STAGE_ID', 'BEGINDATE', 'COMMENTS', 'UF_CRM_ERP_NUMBER'].map(
      (name) => [name, field()],
    ),
  ),
  stages: ['NEW', 'PREPARATION', 'EXECUTING', 'WON', 'LOSE'].map(stage),
  currencies: [{ code: 'RUB', base: true }],
  ...overrides,
});

describe(checkMappingAgainstPortal.name, () => {
  it('passes the DESIGN example against a matching portal, warning about column-sourced currencies', () => {
    const findings = checkMappingAgainstPortal(designMapping(), portal());

    expect(findings.map((finding) => finding.level)).toEqual(['ok', 'warn']);
  });

  it.each([
    [
      'a field the portal lacks',
      portal({ fields: { ...portal().fields, UF_CRM_ERP_NUMBER: undefined as never } }),
      'field UF_CRM_ERP_NUMBER does not exist',
    ],
    [
      'a read-only field',
      portal({ fields: { ...portal().fields, TITLE: field(true) } }),
      'field TITLE is read-only',
    ],
    [
      'a stage missing in the category',
      portal({ stages: ['NEW', 'WON', 'LOSE'].map(stage) }),
      'stage PREPARATION is not a stage of deal category 0',
    ],
    [
      'a missing delete stage',
      portal({ stages: ['NEW', 'PREPARATION', 'EXECUTING', 'WON'].map(stage) }),
      'stage LOSE is not a stage',
    ],
  ])('reports %s as an error', (_case, facts, expected) => {
    const findings = checkMappingAgainstPortal(designMapping(), facts);

    expect(
      findings
        .filter((finding) => finding.level === 'error')
        .map((finding) => finding.detail)
        .join('\n'),
    ).toContain(expected);
  });

  it('warns when OPPORTUNITY and product rows are both mapped without IS_MANUAL_OPPORTUNITY: Y', () => {
    const productRows: MappingConfig['productRows'] = {
      table: 'sale_order_line',
      parent: 'order_id',
      order: [],
      fields: { PRODUCT_NAME: { column: 'name', type: 'string', truncate: true, ownership: 'erp' } },
    };
    const withRows = { ...designMapping(), productRows };
    const manual = {
      ...withRows,
      fields: { ...withRows.fields, IS_MANUAL_OPPORTUNITY: { ...withRows.fields.TITLE, value: 'Y' } },
    };
    const facts = portal({ fields: { ...portal().fields, IS_MANUAL_OPPORTUNITY: field() } });
    const warned = (mapping: MappingConfig) =>
      checkMappingAgainstPortal(mapping, facts).some((finding) =>
        finding.detail.includes('Bitrix24 recomputes OPPORTUNITY from the rows'),
      );

    expect(warned(withRows)).toBe(true);
    expect(warned(manual)).toBe(false);
    expect(warned(designMapping())).toBe(false);
  });

  it('formats one aligned line per finding', () => {
    expect(formatFindings([{ level: 'error', subject: 'portal', detail: 'unreachable' }])).toBe(
      'ERROR  portal  unreachable',
    );
  });
});

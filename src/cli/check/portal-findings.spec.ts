import { describe, expect, it } from '@jest/globals';
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

  it('formats one aligned line per finding', () => {
    expect(formatFindings([{ level: 'error', subject: 'portal', detail: 'unreachable' }])).toBe(
      'ERROR  portal  unreachable',
    );
  });
});

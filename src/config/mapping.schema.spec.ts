import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { formatPath } from './config.loader.js';
import { DESIGN_EXAMPLE_YAML as DESIGN_EXAMPLE } from '../../test/support/sync.factory.js';
import { findTemplateProblem, mappingSchema, syncFileSchema } from './mapping.schema.js';

const minimal = {
  name: 'orders',
  source: { table: 'orders', key: 'id' },
  target: { originatorId: 'erp' },
  fields: { TITLE: { column: 'name' } },
};

function problemsOf(mapping: Record<string, unknown>): string[] {
  const result = mappingSchema.safeParse({ ...minimal, ...mapping });
  return result.success
    ? []
    : result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

const withFields = (fields: Record<string, unknown>) => problemsOf({ fields });

describe('mapping schema', () => {
  it('accepts the DESIGN §6 example as written, with its defaults filled in', () => {
    const result = syncFileSchema.safeParse(parse(DESIGN_EXAMPLE));

    expect(result.error?.issues).toBeUndefined();
    const [mapping] = result.data?.mappings ?? [];
    expect(mapping.source).toMatchObject({
      key: ['id'],
      cursor: 'write_date',
      lookback: 600_000,
      timezone: 'UTC',
      pageSize: 1000,
    });
    expect(mapping.target).toEqual({ originatorId: 'odoo', categoryId: 0 });
    expect(mapping.fields.TITLE).toEqual({
      template: '{{name}} {{partner_name}}',
      maxLength: 255,
      type: 'string',
      truncate: true,
      ownership: 'erp',
    });
    expect(mapping.fields.BEGINDATE).toMatchObject({ type: 'date', timezone: 'Europe/Moscow' });
    expect(mapping.fields.COMMENTS).toMatchObject({ ownership: 'fillEmpty' });
    expect(mapping.delete).toEqual({ policy: 'close', stage: 'LOSE', maxPerRun: 100 });
    expect(mapping.retry).toEqual({ maxAttempts: 5, backoff: 60_000 });
  });

  it('fills defaults for a minimal mapping', () => {
    const mapping = mappingSchema.parse(minimal);

    expect(mapping).toMatchObject({
      enabled: true,
      source: { key: ['id'], lookback: 0, timezone: 'UTC', pageSize: 1000 },
      target: { categoryId: 0 },
      fields: { TITLE: { type: 'string', truncate: true, ownership: 'erp' } },
      delete: { policy: 'ignore', maxPerRun: 100 },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a stray {{', { template: '{{name} x' }, 'fields.T.template: malformed placeholder near "{{name} x"'],
    ['a stray }}', { template: 'x }} y' }, 'fields.T.template: malformed placeholder'],
    [
      'a placeholder that is not a column name',
      { template: '{{first name}}' },
      'fields.T.template: malformed placeholder',
    ],
    [
      'maxLength on a money field',
      { column: 'a', type: 'money', maxLength: 10 },
      'fields.T.maxLength: applies to type string or multi only, not money',
    ],
    [
      'a timezone on a string field',
      { column: 'a', timezone: 'UTC' },
      'fields.T.timezone: applies to type date or datetime only, not string',
    ],
    ['an empty value map', { column: 'a', map: {} }, 'fields.T.map: needs at least one entry'],
    [
      'a map without a column',
      { template: '{{a}}', map: { a: 'b' } },
      'fields.T.map: a value map needs a column to read from',
    ],
    ['two sources', { column: 'a', value: 'b' }, 'fields.T: needs exactly one of column, template or value'],
    ['an unknown type', { column: 'a', type: 'float' }, 'fields.T.type:'],
  ])('rejects %s, naming its path', (_name, field, problem) => {
    expect(withFields({ T: field }).join('\n')).toContain(problem);
  });

  it('accepts a template without placeholders and one with spaces inside the braces', () => {
    expect(withFields({ T: { template: 'fixed' }, U: { template: '{{ a }}-{{b_2}}' } })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'a close stage under the delete policy',
      { delete: { policy: 'delete', stage: 'LOSE' } },
      ['delete.stage: applies to policy close only, not delete'],
    ],
    [
      'close without a stage',
      { delete: { policy: 'close' } },
      ['delete.stage: required when policy is close (e.g. LOSE)'],
    ],
    [
      'an unprefixed stage in funnel 2',
      {
        target: { originatorId: 'erp', categoryId: 2 },
        fields: { STAGE_ID: { column: 's', map: { a: 'C2:NEW', b: 'WON' } } },
      },
      ['fields.STAGE_ID.map.b: "WON" is not a stage of funnel 2: write it as C2:WON'],
    ],
    [
      "another funnel's stage for delete.stage",
      { target: { originatorId: 'erp', categoryId: 2 }, delete: { policy: 'close', stage: 'C3:LOSE' } },
      ['delete.stage: "C3:LOSE" is not a stage of funnel 2: write it as C2:LOSE'],
    ],
    [
      'a prefixed stage in the default funnel',
      { fields: { STAGE_ID: { value: 'C1:NEW' } } },
      [
        'fields.STAGE_ID.value: "C1:NEW" belongs to funnel 1, but target.categoryId is 0 (default funnel stages have no prefix)',
      ],
    ],
  ])('rejects %s', (_name, mapping, problems) => {
    expect(problemsOf(mapping)).toEqual(problems);
  });

  it('accepts prefixed stages in their own funnel', () => {
    expect(
      problemsOf({
        target: { originatorId: 'erp', categoryId: 2 },
        fields: { STAGE_ID: { column: 's', map: { a: 'C2:NEW' }, default: 'C2:PREPARATION' } },
        delete: { policy: 'close', stage: 'C2:LOSE' },
      }),
    ).toEqual([]);
  });
});

describe('mapping schema: companies and contacts', () => {
  const company = (extra: Record<string, unknown>) => problemsOf({ entity: 'company', ...extra });

  it('accepts a company with multi-fields, and defaults the entity to deal', () => {
    expect(
      company({
        fields: {
          TITLE: { column: 'name' },
          EMAIL: { column: 'email', type: 'multi', valueType: 'WORK' },
          PHONE: { column: 'phone', type: 'multi' },
        },
        delete: { policy: 'delete' },
      }),
    ).toEqual([]);
    expect(mappingSchema.parse(minimal).entity).toBe('deal');
  });

  it('takes target.createVia in preference order and lists every problem with it', () => {
    expect(
      problemsOf({ target: { originatorId: 'erp', createVia: ['crm.item.batchImport', 'crm.deal.add'] } }),
    ).toEqual([]);
    expect(mappingSchema.parse(minimal).target.createVia).toBeUndefined();
    expect(
      problemsOf({
        target: { originatorId: 'erp', createVia: ['crm.deal.add', 'crm.lead.add', 'crm.deal.add'] },
      }),
    ).toEqual([
      'target.createVia: unknown method "crm.lead.add": use crm.deal.add, crm.item.add, crm.item.batchImport',
      'target.createVia: names crm.deal.add more than once',
    ]);
    expect(problemsOf({ target: { originatorId: 'erp', createVia: [] } })).toEqual([
      'target.createVia: names at least one of crm.deal.add, crm.item.add, crm.item.batchImport',
    ]);
    expect(
      problemsOf({
        entity: 'contact',
        target: { originatorId: 'erp', createVia: ['crm.item.add'] },
      }),
    ).toEqual(['target.createVia: applies to deals only, not a contact (it is created by crm.contact.add)']);
  });

  it.each([
    [
      'the close policy',
      { delete: { policy: 'close', stage: 'LOSE' } },
      ['delete.policy: close moves a deal to a stage; a company has none (use ignore or delete)'],
    ],
    [
      'a funnel',
      { target: { originatorId: 'erp', categoryId: 3 } },
      ['target.categoryId: applies to deals only, not a company'],
    ],
    [
      'a multi-field written as a scalar',
      { fields: { EMAIL: { column: 'email' } } },
      ['fields.EMAIL.type: EMAIL is a multi-field: write type: multi (with valueType, default WORK)'],
    ],
    [
      'type multi on an ordinary field',
      { fields: { TITLE: { column: 'name', type: 'multi' } } },
      ['fields.TITLE.type: type multi applies to the multi-fields EMAIL, PHONE, WEB, IM, LINK only'],
    ],
  ])('rejects %s on a company', (_name, extra, problems) => {
    expect(company(extra)).toEqual(problems);
  });

  it('rejects multi-fields on a deal, and a value type on a plain field', () => {
    expect(withFields({ EMAIL: { column: 'email', type: 'multi' } })).toEqual([
      'fields.EMAIL.type: deals have no multi-fields (EMAIL, PHONE… belong to companies and contacts)',
    ]);
    expect(withFields({ TITLE: { column: 'name', valueType: 'WORK' } })).toEqual([
      'fields.TITLE.valueType: applies to type multi only, not string',
    ]);
  });
});

describe('mapping schema: link fields', () => {
  const mapping = (name: string, entity: string, fields: Record<string, unknown>) => ({
    name,
    entity,
    source: { table: name, key: 'id' },
    target: { originatorId: 'erp' },
    fields: { TITLE: { column: 'name' }, ...fields },
  });
  const fileProblems = (mappings: unknown[]) => {
    const result = syncFileSchema.safeParse({ mappings });
    return result.success
      ? []
      : result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  };

  it('accepts a deal linked to a company and a contact, and a contact linked to the company', () => {
    expect(
      fileProblems([
        mapping('orders', 'deal', {
          COMPANY_ID: { link: 'customers', column: 'partner_id' },
          CONTACT_ID: { link: 'people', column: 'contact_id' },
        }),
        mapping('customers', 'company', {}),
        mapping('people', 'contact', { COMPANY_ID: { link: 'customers', column: 'parent_id' } }),
      ]),
    ).toEqual([]);
  });

  it('lists a cycle between mappings as a configuration error', () => {
    expect(
      fileProblems([
        mapping('a', 'deal', { UF_CRM_B: { link: 'b', column: 'b_id' } }),
        mapping('b', 'deal', { UF_CRM_C: { link: 'c', column: 'c_id' } }),
        mapping('c', 'deal', { UF_CRM_A: { link: 'a', column: 'a_id' } }),
      ]),
    ).toEqual(['mappings[0]: links form a cycle: a → b → c → a']);
  });

  it.each([
    [
      'an unknown mapping',
      [mapping('orders', 'deal', { COMPANY_ID: { link: 'nope', column: 'p' } })],
      ['mappings[0].fields.COMPANY_ID.link: no mapping is named "nope" (configured: orders)'],
    ],
    [
      'itself',
      [mapping('orders', 'deal', { UF_CRM_PARENT: { link: 'orders', column: 'p' } })],
      ['mappings[0].fields.UF_CRM_PARENT.link: a mapping cannot link to itself'],
    ],
    [
      'a mapping of the wrong entity',
      [
        mapping('orders', 'deal', { COMPANY_ID: { link: 'people', column: 'p' } }),
        mapping('people', 'contact', {}),
      ],
      ['mappings[0].fields.COMPANY_ID.link: COMPANY_ID takes a company\'s ID, but "people" syncs contacts'],
    ],
  ])('rejects a link to %s', (_name, mappings, problems) => {
    expect(fileProblems(mappings)).toEqual(problems);
  });

  it('rejects a link without a column, or with a type', () => {
    expect(withFields({ COMPANY_ID: { link: 'customers', value: 1 } })).toEqual([
      "fields.COMPANY_ID.column: a link needs the column holding the parent's key",
    ]);
    expect(withFields({ COMPANY_ID: { link: 'customers', column: 'p', type: 'integer' } })).toEqual([
      "fields.COMPANY_ID.type: a link's value is the parent's Bitrix24 ID: it takes no type or maxLength",
    ]);
  });
});

describe(findTemplateProblem.name, () => {
  it.each([
    ['{{name}} {{partner_name}}', false],
    ['', false],
    ['{{name}', true],
    ['{{}}', true],
    ['{{a.b}}', true],
  ])('%p malformed: %p', (template, malformed) => {
    expect(findTemplateProblem(template) !== undefined).toBe(malformed);
  });
});

import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../config/config.error.js';
import type { ErpValue } from '../../erp/erp-row.js';
import { designMapping, erpRow, mappingWith, odooRow } from '../../../test/support/sync.factory.js';
import { mapRow } from './deal-mapping.js';
import { MappingErrorCode } from './mapped-payload.js';
import { compileMapping, findMissingColumns } from './mapping-compiler.js';

function mapOne(fields: Record<string, Record<string, unknown>>, values: Record<string, ErpValue>) {
  return mapRow(compileMapping(mappingWith(fields)), erpRow(values, '7'));
}

function configProblems(fields: Record<string, Record<string, unknown>>): readonly string[] {
  try {
    compileMapping(mappingWith(fields), 3);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected the mapping to be rejected');
}

describe(mapRow.name, () => {
  it('maps a realistic Odoo sale order with the DESIGN §6 mapping to the Bitrix24 payload', () => {
    const result = mapRow(compileMapping(designMapping()), odooRow());

    expect(result).toEqual({
      ok: true,
      payload: {
        TITLE: 'S00042 Azure Interior',
        OPPORTUNITY: '1234.50',
        CURRENCY_ID: 'EUR',
        STAGE_ID: 'EXECUTING',
        BEGINDATE: '2024-03-02',
        COMMENTS: '<p>Deliver by Friday</p>',
        UF_CRM_ERP_NUMBER: 'S00042',
        ORIGINATOR_ID: 'odoo',
        ORIGIN_ID: '42',
        CATEGORY_ID: 0,
      },
    });
  });

  it('reports every bad field of a row at once (code of the first), naming field, type, column, value and rule', () => {
    const result = mapRow(
      compileMapping(designMapping()),
      odooRow({ amount_total: '12,50', state: 'quotation', date_order: '2024-02-30 10:00:00' }),
    );

    expect(result).toEqual({
      ok: false,
      error: {
        erpKey: '42',
        code: MappingErrorCode.InvalidDate,
        message: [
          'BEGINDATE (date): column "date_order" value "2024-02-30 10:00:00": impossible date: 2024-02 has 29 days',
          'OPPORTUNITY (money): column "amount_total" value "12,50": decimal comma is not accepted; use a point (12.50) or convert it in the source query',
          'STAGE_ID (string): column "state" value "quotation": not in the value map (allowed: draft, sent, sale, done, cancel) and the field has no default',
        ].join('; '),
      },
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, ErpValue>, unknown]>([
    ['a column as is', { column: 'c' }, { c: 'x' }, 'x'],
    ['NULL as empty', { column: 'c' }, { c: null }, null],
    [
      'a template, NULL as empty text, trimmed',
      { template: '{{a}} / {{ b }} {{c}}' },
      { a: 'A', b: null, c: null },
      'A /',
    ],
    ['a template repeating a column', { template: '{{a}}-{{a}}' }, { a: 1 }, '1-1'],
    ['a template as money', { template: '{{a}}.{{b}}', type: 'money' }, { a: '12', b: '5' }, '12.50'],
    ['a constant', { value: 'Y', type: 'boolean' }, {}, 'Y'],
    ['a numeric constant as money', { value: 0, type: 'money' }, {}, '0.00'],
    ['a mapped value', { column: 's', map: { a: 'NEW' } }, { s: 'a' }, 'NEW'],
    ['a number through a map', { column: 's', map: { '1': 'NEW' } }, { s: 1 }, 'NEW'],
    ['a boolean through a map', { column: 's', map: { true: 'WON' } }, { s: true }, 'WON'],
    [
      'the default for an unmapped value',
      { column: 's', map: { a: 'NEW' }, default: 'LOSE' },
      { s: 'zz' },
      'LOSE',
    ],
    ['the default for NULL', { column: 's', map: { a: 'NEW' }, default: 'LOSE' }, { s: null }, 'LOSE'],
    ['a mapped value converted', { column: 's', map: { paid: true }, type: 'boolean' }, { s: 'paid' }, 'Y'],
    ['an integer', { column: 'n', type: 'integer' }, { n: '0012' }, 12],
    ['a truncated string', { column: 'c', maxLength: 3 }, { c: 'abcdef' }, 'abc'],
    [
      'a datetime in the field zone',
      { column: 'd', type: 'datetime', timezone: 'Asia/Tokyo' },
      { d: '2024-03-01 00:00:00' },
      '2024-03-01T09:00:00+09:00',
    ],
  ])('evaluates %s', (_name, field, values, expected) => {
    const result = mapOne({ UF_CRM_X: field }, values);

    expect(result).toEqual({ ok: true, payload: expect.objectContaining({ UF_CRM_X: expected }) });
  });

  it.each<[string, Record<string, unknown>, Record<string, ErpValue>, MappingErrorCode, string]>([
    [
      'a missing column',
      { column: 'c' },
      { C: 'x' },
      MappingErrorCode.MissingColumn,
      'column "c" is not in the source row',
    ],
    [
      'a missing template column',
      { template: '{{a}} {{b}}' },
      { a: 'x' },
      MappingErrorCode.MissingColumn,
      'column "b"',
    ],
    [
      'an unmapped value',
      { column: 's', map: { a: 'NEW' } },
      { s: 'b' },
      MappingErrorCode.UnmappedValue,
      'value "b": not in the value map (allowed: a)',
    ],
    [
      'an unmapped NULL',
      { column: 's', map: { a: 'NEW' } },
      { s: null },
      MappingErrorCode.UnmappedValue,
      'value NULL',
    ],
    [
      'a non-numeric amount',
      { column: 'm', type: 'money' },
      { m: 'n/a' },
      MappingErrorCode.InvalidMoney,
      'value "n/a": not a decimal number',
    ],
    [
      'an impossible date',
      { column: 'd', type: 'date' },
      { d: '2024-02-30' },
      MappingErrorCode.InvalidDate,
      'impossible date',
    ],
    [
      'a bad boolean',
      { column: 'b', type: 'boolean' },
      { b: 'maybe' },
      MappingErrorCode.InvalidBoolean,
      'value "maybe": not a boolean',
    ],
    [
      'over-long text with truncation off',
      { column: 'c', maxLength: 2, truncate: false },
      { c: 'abc' },
      MappingErrorCode.TooLong,
      '3 characters, more than maxLength 2',
    ],
    [
      'an over-long template',
      { template: '{{a}}!', maxLength: 2, truncate: false },
      { a: 'ab' },
      MappingErrorCode.TooLong,
      'template result "ab!"',
    ],
  ])('fails the row on %s', (_name, field, values, code, message) => {
    const result = mapOne({ UF_CRM_X: field }, values);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toEqual({
      erpKey: '7',
      code,
      message: expect.stringContaining(message),
    });
    expect(!result.ok && result.error.message).toMatch(/^UF_CRM_X \(\w+\): /);
  });

  it('fails a row whose text holds a NUL byte, naming the field and column with the value escaped', () => {
    const result = mapOne(
      { TITLE: { template: '{{name}} {{partner}}' }, COMMENTS: { column: 'note' } },
      { name: 'SO7', partner: 'Acme', note: 'call\u0000first' },
    );

    expect(result).toEqual({
      ok: false,
      error: {
        erpKey: '7',
        code: MappingErrorCode.UnstorableText,
        message:
          'COMMENTS (string): column "note" value "call\\u0000first": holds a NUL character (U+0000) at character 5, ' +
          'which PostgreSQL cannot store',
      },
    });
  });

  it('names the column of a template placeholder whose value holds a NUL byte', () => {
    const result = mapOne(
      { TITLE: { template: '{{name}} {{partner}}' } },
      { name: 'SO7', partner: 'Ac\u0000me' },
    );

    expect(!result.ok && result.error).toEqual({
      erpKey: '7',
      code: MappingErrorCode.UnstorableText,
      message: expect.stringContaining(
        'TITLE (string): column "partner" value "Ac\\u0000me": holds a NUL character',
      ),
    });
  });

  it('cuts long values in messages', () => {
    const result = mapOne({ UF_CRM_X: { column: 'm', type: 'money' } }, { m: 'x'.repeat(500) });

    expect(!result.ok && result.error.message.length).toBeLessThan(250);
  });
});

describe(compileMapping.name, () => {
  it('rejects constants and map entries the field type cannot hold, naming their YAML paths', () => {
    expect(
      configProblems({
        OPPORTUNITY: { value: '12,50', type: 'money' },
        UF_CRM_PAID: { column: 'p', type: 'boolean', map: { y: 'yes', n: 'nope' }, default: 'perhaps' },
      }),
    ).toEqual([
      'mappings[3].fields.OPPORTUNITY.value: "12,50" is not a valid money: decimal comma is not accepted; use a point (12.50) or convert it in the source query',
      'mappings[3].fields.UF_CRM_PAID.map.n: "nope" is not a valid boolean: not a boolean (expected true/false, 1/0, t/f, y/n, yes/no or on/off)',
      'mappings[3].fields.UF_CRM_PAID.default: "perhaps" is not a valid boolean: not a boolean (expected true/false, 1/0, t/f, y/n, yes/no or on/off)',
    ]);
  });

  it('rejects a constant holding a NUL byte, naming its YAML path', () => {
    expect(configProblems({ UF_CRM_X: { value: 'a\u0000b' } })).toEqual([
      expect.stringContaining(
        'mappings[3].fields.UF_CRM_X.value: "a\\u0000b" is not a valid string: holds a NUL',
      ),
    ]);
  });

  it('lists the columns it reads and the types of every payload field', () => {
    const compiled = compileMapping(designMapping());

    expect(compiled.columns).toEqual([
      'amount_total',
      'currency',
      'date_order',
      'name',
      'note',
      'partner_name',
      'state',
    ]);
    expect(compiled.fieldTypes).toMatchObject({
      OPPORTUNITY: 'money',
      BEGINDATE: 'date',
      CATEGORY_ID: 'integer',
      ORIGIN_ID: 'string',
    });
  });
});

describe(findMissingColumns.name, () => {
  it('names each field reading a column the source does not return', () => {
    const compiled = compileMapping(designMapping());

    expect(
      findMissingColumns(compiled, ['id', 'name', 'state', 'amount_total', 'date_order', 'note', 'currency']),
    ).toEqual([
      'mapping "odoo-orders": fields.TITLE reads column "partner_name", which the source does not return',
    ]);
  });
});

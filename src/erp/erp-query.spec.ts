import { describe, expect, it } from '@jest/globals';
import {
  buildChangedParentsQuery,
  buildKeysQuery,
  buildNullKeyQuery,
  buildWalkQuery,
  buildProbeQuery,
  incrementalStart,
} from './erp-query.js';
import { mysqlDialect, postgresDialect, splitTableName, type ErpColumn } from './sql-dialect.js';

const pgColumn = (name: string, castType: string): ErpColumn => ({
  name,
  typeName: castType,
  castType,
  temporal: false,
});
const myColumn = (name: string, castType: string | null): ErpColumn => ({
  name,
  typeName: castType ?? 'VAR_STRING',
  castType,
  temporal: false,
});

describe(buildProbeQuery.name, () => {
  it.each([
    {
      dialect: postgresDialect,
      table: 'tabSales Order',
      sql: 'SELECT * FROM "tabSales Order" AS "src"\nLIMIT 0',
    },
    {
      dialect: mysqlDialect,
      table: 'tabSales Order',
      sql: 'SELECT * FROM `tabSales Order` AS `src`\nLIMIT 0',
    },
    {
      dialect: postgresDialect,
      table: 'erp.sale_order',
      sql: 'SELECT * FROM "erp"."sale_order" AS "src"\nLIMIT 0',
    },
    { dialect: postgresDialect, table: 'we"ird', sql: 'SELECT * FROM "we""ird" AS "src"\nLIMIT 0' },
    { dialect: mysqlDialect, table: 'we`ird', sql: 'SELECT * FROM `we``ird` AS `src`\nLIMIT 0' },
  ])('quotes table $table for $dialect.name', ({ dialect, table, sql }) => {
    expect(buildProbeQuery(dialect, { table })).toBe(sql);
  });

  it('wraps a query as a subquery, ending a trailing comment and dropping a trailing semicolon', () => {
    const sql = buildProbeQuery(postgresDialect, { query: 'SELECT id FROM t -- orders\n;  \n' });

    expect(sql).toBe('SELECT * FROM (\nSELECT id FROM t -- orders\n) AS "src"\nLIMIT 0');
  });
});

describe(buildWalkQuery.name, () => {
  const pgOrder = [pgColumn('Modified At', 'timestamp without time zone'), pgColumn('Order No', 'integer')];
  const myOrder = [myColumn('Modified At', 'DATETIME(6)'), myColumn('Order No', 'SIGNED')];

  it.each([
    {
      name: 'postgres, first page',
      dialect: postgresDialect,
      order: pgOrder,
      start: { kind: 'first' } as const,
      sql:
        'SELECT * FROM "t" AS "src"\nWHERE "src"."Modified At" IS NOT NULL\n  AND "src"."Order No" IS NOT NULL\n' +
        'ORDER BY "src"."Modified At", "src"."Order No"',
      params: [],
    },
    {
      name: 'postgres, after a position (row comparison)',
      dialect: postgresDialect,
      order: pgOrder,
      start: { kind: 'after', values: ['2024-01-01 10:00:00.5', '7'] } as const,
      sql:
        'SELECT * FROM "t" AS "src"\nWHERE "src"."Modified At" IS NOT NULL\n  AND "src"."Order No" IS NOT NULL\n' +
        '  AND ("src"."Modified At", "src"."Order No") > (CAST($1 AS timestamp without time zone), CAST($2 AS integer))\n' +
        'ORDER BY "src"."Modified At", "src"."Order No"',
      params: ['2024-01-01 10:00:00.5', '7'],
    },
    {
      name: 'postgres, since a cursor value minus a lookback',
      dialect: postgresDialect,
      order: pgOrder,
      start: { kind: 'since', value: '2024-01-01 10:00:00', lookbackMs: 600_000 } as const,
      sql:
        'SELECT * FROM "t" AS "src"\nWHERE "src"."Modified At" IS NOT NULL\n  AND "src"."Order No" IS NOT NULL\n' +
        '  AND "src"."Modified At" >= CAST($1 AS timestamp without time zone) - CAST($2 AS interval)\n' +
        'ORDER BY "src"."Modified At", "src"."Order No"',
      params: ['2024-01-01 10:00:00', '600000 milliseconds'],
    },
    {
      name: 'mysql, after a position (expanded for the range optimizer)',
      dialect: mysqlDialect,
      order: myOrder,
      start: { kind: 'after', values: ['2024-01-01 10:00:00.5', '7'] } as const,
      sql:
        'SELECT * FROM `t` AS `src`\nWHERE `src`.`Modified At` IS NOT NULL\n  AND `src`.`Order No` IS NOT NULL\n' +
        '  AND `src`.`Modified At` >= CAST(? AS DATETIME(6)) AND (`src`.`Modified At` > CAST(? AS DATETIME(6)) OR ' +
        '(`src`.`Modified At` = CAST(? AS DATETIME(6)) AND `src`.`Order No` > CAST(? AS SIGNED)))\n' +
        'ORDER BY `src`.`Modified At`, `src`.`Order No`',
      params: ['2024-01-01 10:00:00.5', '2024-01-01 10:00:00.5', '2024-01-01 10:00:00.5', '7'],
    },
    {
      name: 'mysql, since a cursor value minus a lookback',
      dialect: mysqlDialect,
      order: myOrder,
      start: { kind: 'since', value: '2024-01-01 10:00:00', lookbackMs: 1500 } as const,
      sql:
        'SELECT * FROM `t` AS `src`\nWHERE `src`.`Modified At` IS NOT NULL\n  AND `src`.`Order No` IS NOT NULL\n' +
        '  AND `src`.`Modified At` >= CAST(? AS DATETIME(6)) - INTERVAL ? MICROSECOND\n' +
        'ORDER BY `src`.`Modified At`, `src`.`Order No`',
      params: ['2024-01-01 10:00:00', '1500000'],
    },
  ])('$name', ({ dialect, order, start, sql, params }) => {
    const query = buildWalkQuery(dialect, { source: { table: 't' }, order, start });

    expect(query).toEqual({ sql, params });
  });

  it('expands a three-column position for mysql', () => {
    const order = [myColumn('c', 'DATE'), myColumn('a', null), myColumn('b', 'UNSIGNED')];

    const query = buildWalkQuery(mysqlDialect, {
      source: { table: 't' },
      order,
      start: { kind: 'after', values: ['2024-01-01', 'x', '9'] },
    });

    expect(query.sql).toContain(
      '`src`.`c` >= CAST(? AS DATE) AND (`src`.`c` > CAST(? AS DATE) OR (`src`.`c` = CAST(? AS DATE) AND ' +
        '(`src`.`a` > ? OR (`src`.`a` = ? AND `src`.`b` > CAST(? AS UNSIGNED)))))',
    );
    expect(query.params).toEqual(['2024-01-01', '2024-01-01', '2024-01-01', 'x', 'x', '9']);
  });

  it('never puts a value into the SQL text', () => {
    const hostile = "x'); DROP TABLE t; --";

    for (const dialect of [postgresDialect, mysqlDialect]) {
      const query = buildWalkQuery(dialect, {
        source: { table: 't' },
        order: [myColumn('k', null)],
        start: { kind: 'after', values: [hostile] },
      });
      expect(query.sql).not.toContain('DROP');
      expect(query.params).toContain(hostile);
    }
  });

  it('reads the whole walk in one statement: no LIMIT, only the keyset order', () => {
    const query = buildWalkQuery(postgresDialect, {
      source: { table: 't' },
      order: pgOrder,
      start: { kind: 'first' },
    });

    expect(query.sql).not.toContain('LIMIT');
    expect(query.sql).toMatch(/ORDER BY "src"."Modified At", "src"."Order No"$/);
  });
});

describe(buildNullKeyQuery.name, () => {
  it('looks for any NULL key column inside the incremental window', () => {
    const query = buildNullKeyQuery(postgresDialect, {
      source: { table: 't' },
      key: [pgColumn('a', 'text'), pgColumn('b', 'integer')],
      since: { cursor: pgColumn('m', 'date'), value: '2024-01-01', lookbackMs: 0 },
      limit: 101,
    });

    expect(query).toEqual({
      sql:
        'SELECT * FROM "t" AS "src"\nWHERE ("src"."a" IS NULL OR "src"."b" IS NULL)\n' +
        '  AND "src"."m" >= CAST($1 AS date)\nLIMIT 101',
      params: ['2024-01-01'],
    });
  });
});

describe(buildKeysQuery.name, () => {
  it.each([
    {
      dialect: postgresDialect,
      key: [pgColumn('id', 'bigint')],
      keys: [['1'], ['2']],
      sql: 'SELECT * FROM "t" AS "src"\nWHERE "src"."id" IN (CAST($1 AS bigint), CAST($2 AS bigint))\nORDER BY "src"."id"',
      params: ['1', '2'],
    },
    {
      dialect: mysqlDialect,
      key: [myColumn('o', null), myColumn('n', 'SIGNED')],
      keys: [
        ['a', '1'],
        ['b', '2'],
      ],
      sql:
        'SELECT * FROM `t` AS `src`\nWHERE (`src`.`o`, `src`.`n`) IN ((?, CAST(? AS SIGNED)), (?, CAST(? AS SIGNED)))\n' +
        'ORDER BY `src`.`o`, `src`.`n`',
      params: ['a', '1', 'b', '2'],
    },
  ])('selects keys $keys for $dialect.name', ({ dialect, key, keys, sql, params }) => {
    expect(buildKeysQuery(dialect, { source: { table: 't' }, key, keys })).toEqual({ sql, params });
  });
});

describe(incrementalStart.name, () => {
  it.each([
    { from: null, lookback: 0, start: { kind: 'first' } },
    { from: { value: null, key: ['1'] }, lookback: 0, start: { kind: 'first' } },
    { from: { value: 'T', key: ['1'] }, lookback: 0, start: { kind: 'after', values: ['T', '1'] } },
    {
      from: { value: 'T', key: ['1'] },
      lookback: 60_000,
      start: { kind: 'since', value: 'T', lookbackMs: 60_000 },
    },
    {
      from: { value: 'T', key: ['1', '2'] },
      lookback: 0,
      start: { kind: 'since', value: 'T', lookbackMs: 0 },
    },
  ])('starts from $from with lookback $lookback at $start.kind', ({ from, lookback, start }) => {
    expect(incrementalStart(from, lookback, 1)).toEqual(start);
  });
});

describe(splitTableName.name, () => {
  it.each([
    { table: 'tabSales Order', parts: ['tabSales Order'] },
    { table: 'erp.sale_order', parts: ['erp', 'sale_order'] },
    { table: 'a.b.c', parts: undefined },
    { table: 'a.', parts: undefined },
  ])('splits $table', ({ table, parts }) => {
    expect(splitTableName(table)).toEqual(parts);
  });
});

describe(buildChangedParentsQuery.name, () => {
  it('lists the distinct parents of rows changed in the window, after a keyset position, in parent order', () => {
    const query = buildChangedParentsQuery(postgresDialect, {
      source: { table: 'sale_order_line' },
      parent: pgColumn('order_id', 'integer'),
      cursor: pgColumn('write_date', 'timestamp'),
      since: { value: '2026-12-01 10:00:00', lookbackMs: 0 },
      after: '42',
      limit: 500,
    });

    expect(query).toEqual({
      sql:
        'SELECT DISTINCT "src"."order_id" FROM "sale_order_line" AS "src"\n' +
        'WHERE "src"."order_id" IS NOT NULL\n  AND "src"."write_date" >= CAST($1 AS timestamp)\n' +
        '  AND "src"."order_id" > CAST($2 AS integer)\nORDER BY "src"."order_id"\nLIMIT 500',
      params: ['2026-12-01 10:00:00', '42'],
    });
  });

  it('subtracts the lookback in the dialect of the database (MySQL/MariaDB)', () => {
    const query = buildChangedParentsQuery(mysqlDialect, {
      source: { table: 'tabSales Order Item' },
      parent: myColumn('parent', null),
      cursor: myColumn('modified', null),
      since: { value: '2026-12-01 10:00:00', lookbackMs: 600_000 },
      after: null,
      limit: 10,
    });

    expect(query.sql).toContain('SELECT DISTINCT `src`.`parent` FROM `tabSales Order Item` AS `src`');
    expect(query.params).toHaveLength(2);
  });
});

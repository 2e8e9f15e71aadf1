import { beforeAll, describe, expect, it } from '@jest/globals';
import { ErpReadErrorCode } from '../../src/erp/erp-read.error.js';
import type { ErpRowReader } from '../../src/erp/erp-row.reader.js';
import {
  collect,
  createTable,
  errorsOf,
  insertRows,
  keysOf,
  mappingOf,
  type ErpTestDriver,
} from './erp-test.driver.js';

export interface ErpReaderContext {
  readonly reader: () => ErpRowReader;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Keyset paging, cursor semantics and exact values: the same scenarios on every engine. */
export function pagingScenarios(driver: ErpTestDriver, context: ErpReaderContext): void {
  const { types } = driver;

  describe('awkward identifiers', () => {
    const table = 'tabSales Order';
    const nick = 'Customer "Nick" `x`';
    const mapping = mappingOf({ table, key: ['Order No'], cursor: 'Modified At', pageSize: 2 });

    beforeAll(async () => {
      await createTable(
        driver,
        table,
        { 'Order No': types.int, 'Modified At': types.timestamp, [nick]: types.text },
        ['Order No'],
      );
      await insertRows(
        driver,
        table,
        ['Order No', 'Modified At', nick],
        range(1, 5).map((n) => [n, `2024-01-0${6 - n} 08:00:00`, `nick ${n}`]),
      );
    });

    it('sweeps a table with a space in its name by a key column with a space, in key order', async () => {
      const pages = await collect(context.reader().readAll(mapping));

      expect(keysOf(pages)).toEqual(['1', '2', '3', '4', '5']);
      expect(pages.map((page) => page.rows.length)).toEqual([2, 2, 1]);
      expect(pages[0].rows[0].values[nick]).toBe('nick 1');
    });

    it('reads changes in cursor order across pages', async () => {
      const pages = await collect(context.reader().readChanges(mapping, null));

      expect(keysOf(pages)).toEqual(['5', '4', '3', '2', '1']);
      expect(pages.at(-1)?.position).toEqual({ value: '2024-01-05 08:00:00', key: ['1'] });
    });
  });

  describe('many rows sharing one cursor value', () => {
    const table = 'same_cursor';
    const mapping = mappingOf({ table, key: ['id'], cursor: 'modified', pageSize: 30 });
    const shared = '2024-05-01 12:00:00.250001';

    beforeAll(async () => {
      await createTable(driver, table, { id: types.int, modified: types.timestamp }, ['id']);
      await insertRows(
        driver,
        table,
        ['id', 'modified'],
        [
          ...range(1, 100).map((id) => [id, shared]),
          ...range(101, 110).map((id) => [id, '2024-05-01 12:00:01.000001']),
          ...range(111, 115).map((id) => [id, '2024-05-01 11:59:59.999999']),
        ],
      );
    });

    it('reads all 100 rows of one cursor value across page boundaries, each once, pages of at most 30', async () => {
      const pages = await collect(context.reader().readChanges(mapping, null));

      expect(keysOf(pages)).toEqual([...range(111, 115), ...range(1, 100), ...range(101, 110)].map(String));
      expect(pages.every((page) => page.rows.length <= 30)).toBe(true);
      expect(pages[1].position).toEqual({ value: shared, key: ['55'] });
    });

    it('resumes strictly after a position inside the shared cursor value', async () => {
      const first = await collect(context.reader().readChanges(mapping, null));

      const resumed = await collect(context.reader().readChanges(mapping, first[1].position));

      expect(keysOf(resumed)).toEqual([...range(56, 100), ...range(101, 110)].map(String));
    });
  });

  describe('lookback', () => {
    const table = 'late_commits';
    const source = { table, key: ['id'], cursor: 'modified' };

    beforeAll(async () => {
      await createTable(driver, table, { id: types.int, modified: types.timestamp }, ['id']);
      await insertRows(
        driver,
        table,
        ['id', 'modified'],
        range(1, 5).map((id) => [id, `2024-06-01 10:0${id - 1}:00.5`]),
      );
    });

    it('reads a row committed late behind the cursor when it falls inside the lookback window', async () => {
      const first = await collect(
        context.reader().readChanges(mappingOf({ ...source, lookback: 600_000 }), null),
      );
      const position = first.at(-1)?.position ?? null;
      await insertRows(
        driver,
        table,
        ['id', 'modified'],
        [
          [6, '2024-06-01 09:59:00.5'],
          [7, '2024-06-01 09:30:00'],
        ],
      );

      const withLookback = await collect(
        context.reader().readChanges(mappingOf({ ...source, lookback: 600_000 }), position),
      );
      const withoutLookback = await collect(context.reader().readChanges(mappingOf(source), position));

      expect(keysOf(withLookback)).toEqual(['6', '1', '2', '3', '4', '5']);
      expect(keysOf(withoutLookback)).toEqual([]);
    });
  });

  describe('exact values', () => {
    const table = 'exact_values';
    const note = '🚀 Ünïcødé 𝕏 中文 👩‍👩‍👧';
    const row = {
      id: '9007199254740993',
      at: '2024-02-29 23:59:59.123456',
      amount: '12345678901234567890.123456',
    };

    beforeAll(async () => {
      await createTable(
        driver,
        table,
        {
          id: types.bigint,
          at: types.timestamp,
          amount: types.decimal,
          note: types.text,
          version: types.bigint,
        },
        ['id'],
      );
      await insertRows(
        driver,
        table,
        ['id', 'at', 'amount', 'note', 'version'],
        [
          [row.id, row.at, row.amount, note, '9007199254740993'],
          ['2', '2024-02-29 23:59:59.123457', '0.000001', 'plain', '9007199254740994'],
          ['3', '2024-02-29 23:59:59.123455', '-1.5', null, '9007199254740992'],
        ],
      );
    });

    it('keeps timestamps to the microsecond, big integers, decimals and 4-byte characters as the database printed them', async () => {
      const [page] = await collect(context.reader().readAll(mappingOf({ table, key: ['id'], cursor: 'at' })));
      const first = page.rows.find((candidate) => candidate.erpKey === row.id);

      expect(first?.cursor).toBe(row.at);
      expect(first?.values).toMatchObject({ id: row.id, at: row.at, amount: row.amount, note });
    });

    it('compares a timestamp cursor in the database, to the microsecond', async () => {
      const mapping = mappingOf({ table, key: ['id'], cursor: 'at' });

      const fromLast = await collect(context.reader().readChanges(mapping, { value: row.at, key: [row.id] }));
      const fromFirst = await collect(
        context.reader().readChanges(mapping, { value: '2024-02-29 23:59:59.123455', key: ['3'] }),
      );

      expect(keysOf(fromLast)).toEqual(['2']);
      expect(keysOf(fromFirst)).toEqual([row.id, '2']);
    });

    it('compares an integer cursor beyond 2^53 exactly, without a lookback', async () => {
      const mapping = mappingOf({ table, key: ['id'], cursor: 'version' });

      const all = await collect(context.reader().readChanges(mapping, null));
      const after = await collect(
        context.reader().readChanges(mapping, { value: '9007199254740993', key: [row.id] }),
      );

      expect(all.flatMap((page) => page.rows.map((r) => r.cursor))).toEqual([
        '9007199254740992',
        '9007199254740993',
        '9007199254740994',
      ]);
      expect(keysOf(after)).toEqual(['2']);
    });

    it('refuses a lookback on a cursor that is not a date or timestamp', async () => {
      const mapping = mappingOf({ table, key: ['id'], cursor: 'version', lookback: 60_000 });

      await expect(collect(context.reader().readChanges(mapping, null))).rejects.toMatchObject({
        code: ErpReadErrorCode.Unsupported,
        message: expect.stringMatching(
          /mapping "erp-spec".*lookback \(60000 ms\) needs a date or timestamp cursor, but "version"/,
        ),
      });
    });
  });

  describe('4-byte characters in keys', () => {
    const table = 'emoji_keys';
    const keys = ['k1-🚀', 'k2-😀', 'k3-𝕏', 'k4-👩‍👩‍👧'];
    const mapping = mappingOf({ table, key: ['code'], pageSize: 1 });

    beforeAll(async () => {
      await createTable(driver, table, { code: types.text, name: types.text }, ['code']);
      await insertRows(
        driver,
        table,
        ['code', 'name'],
        keys.map((code) => [code, `name ${code}`]),
      );
    });

    it('pages over keys with 4-byte characters bound as parameters and reads them back intact', async () => {
      const pages = await collect(context.reader().readAll(mapping));

      expect(keysOf(pages)).toEqual(keys);
      expect(pages.map((page) => page.rows[0].values.name)).toEqual(keys.map((code) => `name ${code}`));
    });

    it('finds a row by a key with 4-byte characters', async () => {
      const pages = await collect(context.reader().readKeys(mapping, ['k2-😀', 'k9-🦄']));

      expect(keysOf(pages)).toEqual(['k2-😀']);
    });
  });

  describe('composite key', () => {
    const table = 'order_line';
    const mapping = mappingOf({ table, key: ['order_no', 'line_no'], cursor: 'modified', pageSize: 2 });
    const lines = [
      ['SO|1', 1],
      ['SO|1', 2],
      ['SO\\2', 1],
      ['SO3', 1],
      ['SO3', 10],
    ] as const;

    beforeAll(async () => {
      await createTable(
        driver,
        table,
        { order_no: types.text, line_no: types.int, modified: types.timestamp },
        ['order_no', 'line_no'],
      );
      await insertRows(
        driver,
        table,
        ['order_no', 'line_no', 'modified'],
        lines.map(([o, n]) => [o, n, '2024-01-01 00:00:00']),
      );
    });

    it('sweeps in (order_no, line_no) order with escaped composite erp keys', async () => {
      const pages = await collect(context.reader().readAll(mapping));

      const keys = keysOf(pages);

      expect(new Set(keys)).toEqual(new Set(['SO\\|1|1', 'SO\\|1|2', 'SO\\\\2|1', 'SO3|1', 'SO3|10']));
      expect(keys).toHaveLength(lines.length);
      expect(keys.filter((key) => key.startsWith('SO3|'))).toEqual(['SO3|1', 'SO3|10']);
      expect(keys.filter((key) => key.startsWith('SO\\|1|'))).toEqual(['SO\\|1|1', 'SO\\|1|2']);
      expect(pages[0].rows[0].key).toHaveLength(2);
    });

    it('reads every line of one cursor value across pages by the composite tie-breaker', async () => {
      const pages = await collect(context.reader().readChanges(mapping, null));

      expect(keysOf(pages)).toHaveLength(lines.length);
      expect(new Set(keysOf(pages)).size).toBe(lines.length);
    });

    it('finds rows by encoded composite keys and reports a malformed one', async () => {
      const pages = await collect(
        context.reader().readKeys(mapping, ['SO\\|1|2', 'SO3|10', 'SO3', 'SO3|404']),
      );

      expect(keysOf(pages).sort()).toEqual(['SO3|10', 'SO\\|1|2'].sort());
      expect(errorsOf(pages)).toEqual([
        expect.objectContaining({
          erpKey: 'SO3',
          code: 'malformed_key',
          message: expect.stringContaining('expected 2 part(s)'),
        }),
      ]);
    });
  });

  describe('a large table', () => {
    const table = 'big_table';
    const total = 50_000;
    const pageSize = 1000;
    const mapping = mappingOf({ table, key: ['id'], cursor: 'modified', pageSize });

    beforeAll(async () => {
      await createTable(driver, table, { id: types.int, name: types.text, modified: types.timestamp }, [
        'id',
      ]);
      await driver.exec(
        `INSERT INTO ${driver.quote(table)} (id, name, modified) ` +
          `SELECT n, CONCAT('row ', n), CAST('2024-01-01 00:00:00' AS ${types.timestamp}) FROM (${driver.series(total)}) AS s`,
      );
    });

    it('streams 50,000 rows, one page of at most pageSize rows at a time, from one snapshot', async () => {
      const pages = context.reader().readAll(mapping)[Symbol.asyncIterator]();
      const first = await pages.next();
      // Appended after the first page was read: the walk's snapshot was taken before, so it is not seen.
      await insertRows(
        driver,
        table,
        ['id', 'name', 'modified'],
        [[total + 1, 'appended', '2024-01-01 00:00:00']],
      );
      let previous = 0;
      let count = 0;
      let largest = 0;
      let ordered = true;
      for (let page = first; page.done !== true; page = await pages.next()) {
        largest = Math.max(largest, page.value.rows.length);
        for (const row of page.value.rows) {
          ordered &&= Number(row.erpKey) > previous;
          previous = Number(row.erpKey);
          count++;
        }
      }

      expect(first.done).toBe(false);
      expect(largest).toBe(pageSize);
      expect(count).toBe(total);
      expect(ordered).toBe(true);
      expect(previous).toBe(total);
    });

    it('stops reading when the consumer stops iterating', async () => {
      let pagesSeen = 0;
      for await (const page of context.reader().readChanges(mapping, null)) {
        pagesSeen++;
        expect(page.rows).toHaveLength(pageSize);
        break;
      }

      expect(pagesSeen).toBe(1);
    });
  });
}

import { beforeAll, describe, expect, it } from '@jest/globals';
import { ErpReadError, ErpReadErrorCode } from '../../src/erp/erp-read.error.js';
import type { ErpReaderContext } from './erp-reader.paging.scenarios.js';
import {
  collect,
  createTable,
  errorsOf,
  insertRows,
  keysOf,
  mappingOf,
  readerFor,
  type ErpTestDriver,
} from './erp-test.driver.js';

/** Rows that cannot be synced, failures with clear messages, and the read-only guarantee, on every engine. */
export function integrityScenarios(
  driver: ErpTestDriver,
  context: ErpReaderContext & { readonly url: () => string },
): void {
  const { types } = driver;

  describe('NULL keys', () => {
    const table = 'loose_lines';
    const mapping = mappingOf({ table, key: ['order_id', 'line'], cursor: 'modified', pageSize: 1 });

    beforeAll(async () => {
      await createTable(driver, table, { order_id: types.int, line: types.int, modified: types.timestamp });
      await insertRows(
        driver,
        table,
        ['order_id', 'line', 'modified'],
        [
          [1, 1, '2024-01-01 00:00:01'],
          [1, null, '2024-01-01 00:00:02'],
          [null, 2, '2024-01-01 00:00:03'],
          [2, 1, '2024-01-01 00:00:04'],
        ],
      );
    });

    it.each([
      { read: 'a sweep', pages: (m: typeof mapping) => context.reader().readAll(m) },
      { read: 'an incremental read', pages: (m: typeof mapping) => context.reader().readChanges(m, null) },
    ])(
      'reports each row with a NULL key column as a row error in $read and reads the others',
      async ({ pages }) => {
        const read = await collect(pages(mapping));

        expect(keysOf(read)).toEqual(['1|1', '2|1']);
        expect(errorsOf(read).map((error) => [error.code, error.erpKey, error.message])).toEqual([
          [
            'null_key',
            null,
            expect.stringContaining('key column line is NULL in the row with (order_id, line) = ("1", NULL)'),
          ],
          [
            'null_key',
            null,
            expect.stringContaining(
              'key column order_id is NULL in the row with (order_id, line) = (NULL, "2")',
            ),
          ],
        ]);
      },
    );

    it('reports NULL keys of an incremental read only inside its window', async () => {
      const read = await collect(
        context.reader().readChanges(mapping, { value: '2024-01-01 00:00:03', key: ['9', '9'] }),
      );

      expect(errorsOf(read).map((error) => error.message)).toEqual([
        expect.stringContaining('(order_id, line) = (NULL, "2")'),
      ]);
    });
  });

  describe('duplicate keys from a query source', () => {
    const mapping = mappingOf({
      query: `SELECT o.id, o.modified, l.sku FROM dup_orders o JOIN dup_lines l ON l.order_id = o.id -- one row per line\n;`,
      key: ['id'],
      cursor: 'modified',
      pageSize: 2,
    });

    beforeAll(async () => {
      await createTable(driver, 'dup_orders', { id: types.int, modified: types.timestamp }, ['id']);
      await createTable(driver, 'dup_lines', { order_id: types.int, sku: types.text });
      await insertRows(
        driver,
        'dup_orders',
        ['id', 'modified'],
        [1, 2, 3, 4, 5].map((id) => [id, '2024-01-01 00:00:00']),
      );
      await insertRows(
        driver,
        'dup_lines',
        ['order_id', 'sku'],
        [
          [1, 'a'],
          [2, 'b'],
          [2, 'c'],
          [3, 'd'],
          [4, 'e'],
          [4, 'f'],
          [4, 'g'],
          [5, 'h'],
        ],
      );
    });

    it('reports every duplicated key, also across page boundaries, and never yields one of its rows', async () => {
      const pages = await collect(context.reader().readAll(mapping));

      expect(keysOf(pages)).toEqual(['1', '3', '5']);
      expect(errorsOf(pages).map((error) => [error.code, error.erpKey])).toEqual([
        ['duplicate_key', '2'],
        ['duplicate_key', '4'],
      ]);
      expect(pages.every((page) => page.rows.length + page.errors.length <= 2)).toBe(true);
    });

    it('reports rows sharing both cursor value and key in an incremental read', async () => {
      const pages = await collect(context.reader().readChanges(mapping, null));

      expect(keysOf(pages)).toEqual(['1', '3', '5']);
      expect(errorsOf(pages).map((error) => error.erpKey)).toEqual(['2', '4']);
    });
  });

  describe('failures', () => {
    const expectFailure = async (pages: AsyncIterable<unknown>, code: ErpReadErrorCode, message: RegExp) => {
      const error = await collect(pages as AsyncIterable<never>).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ErpReadError);
      expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
    };

    beforeAll(async () => {
      await createTable(driver, 'plain', { id: types.int, name: types.text }, ['id']);
    });

    it('names the mapping, the table and the database message when the table does not exist', async () => {
      await expectFailure(
        context.reader().readAll(mappingOf({ table: 'no_such_table', key: ['id'] })),
        ErpReadErrorCode.SourceNotFound,
        new RegExp(
          `^mapping "erp-spec", source table "no_such_table": .*${driver.missingTableMessage.source}`,
        ),
      );
    });

    it('names a key or cursor column missing from the result and lists the columns there are', async () => {
      await expectFailure(
        context.reader().readAll(mappingOf({ table: 'plain', key: ['ID'] })),
        ErpReadErrorCode.ColumnMissing,
        /source table "plain": key column "ID" is not in the source's result \(its columns: "id", "name"\)/,
      );
      await expectFailure(
        context
          .reader()
          .readChanges(mappingOf({ query: 'SELECT id FROM plain', key: ['id'], cursor: 'modified' }), null),
        ErpReadErrorCode.ColumnMissing,
        /source query "SELECT id FROM plain": cursor column "modified" is not in the source's result/,
      );
    });

    it('passes on the database message for a broken query', async () => {
      await expectFailure(
        context.reader().readAll(mappingOf({ query: 'SELECT id FROM plain WHERE', key: ['id'] })),
        ErpReadErrorCode.QueryFailed,
        /^mapping "erp-spec", source query "SELECT id FROM plain WHERE": .+/,
      );
    });

    it('refuses an incremental read of a source without a cursor', async () => {
      await expectFailure(
        context.reader().readChanges(mappingOf({ table: 'plain', key: ['id'] }), null),
        ErpReadErrorCode.Unsupported,
        /an incremental read needs source\.cursor/,
      );
    });

    it('never shows the password when the database refuses the connection', async () => {
      const password = 'S3cret-Pw_4711';
      const reader = readerFor(driver, driver.refusedUrl(context.url(), password));
      try {
        const failure = await reader.ping().then(
          () => undefined,
          (error: unknown) => error,
        );
        await expectFailure(
          reader.readAll(mappingOf({ table: 'plain', key: ['id'] })),
          ErpReadErrorCode.ConnectionFailed,
          /^mapping "erp-spec", source table "plain": cannot connect to the ERP database .*:\*\*\*@/,
        );
        expect(failure).toMatchObject({ code: ErpReadErrorCode.ConnectionFailed });
        expect(
          JSON.stringify({ message: (failure as Error).message, stack: (failure as Error).stack }),
        ).not.toContain(password);
      } finally {
        await reader.close();
      }
    });
  });

  describe('read-only sessions', () => {
    beforeAll(async () => {
      await createTable(driver, 'write_log', { n: types.int });
      await createTable(driver, 'victims', { id: types.int }, ['id']);
      await insertRows(driver, 'victims', ['id'], [[1], [2]]);
      await driver.exec(driver.writingFunction('write_log'));
    });

    it('refuses a source query that would write to the ERP, and nothing is written', async () => {
      const mapping = mappingOf({ query: 'SELECT id, bump() AS bumped FROM victims', key: ['id'] });

      await expect(collect(context.reader().readAll(mapping))).rejects.toMatchObject({
        code: ErpReadErrorCode.QueryFailed,
        message: expect.stringMatching(/read[- ]only/i),
      });
      expect(await driver.count('write_log')).toBe(0);
    });

    it('reads in UTC', async () => {
      const mapping = mappingOf({
        query: `SELECT 1 AS id, ${driver.sessionTimeZone.sql} AS tz`,
        key: ['id'],
      });

      const [page] = await collect(context.reader().readAll(mapping));

      expect(page.rows[0].values.tz).toBe(driver.sessionTimeZone.expected);
    });

    it('answers a ping', async () => {
      await expect(context.reader().ping()).resolves.toBeUndefined();
    });
  });
}

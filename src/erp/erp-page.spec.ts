import { describe, expect, it } from '@jest/globals';
import {
  collectPage,
  nullKeyErrors,
  PageCutter,
  RowErrorCode,
  toErpRow,
  type RawRow,
  type RowShape,
} from './erp-page.js';

const sweep: RowShape = { key: ['id'], cursor: 'at', order: ['id'] };
const incremental: RowShape = { key: ['id'], cursor: 'at', order: ['at', 'id'] };
const row = (id: string | number | null, at: string | null = 'T1', extra: Partial<RawRow> = {}): RawRow => ({
  id,
  at,
  ...extra,
});

describe(toErpRow.name, () => {
  it('keeps the key and cursor as text and every column as given', () => {
    const raw = { o: 'SO|1', n: 3, at: '2024-01-01 10:00:00.123456', ok: true };

    expect(toErpRow(raw, { key: ['o', 'n'], cursor: 'at', order: ['o', 'n'] })).toEqual({
      key: ['SO|1', '3'],
      erpKey: 'SO\\|1|3',
      cursor: '2024-01-01 10:00:00.123456',
      values: raw,
    });
  });

  it('has a null cursor without a cursor column', () => {
    expect(toErpRow(row(1), { key: ['id'], cursor: undefined, order: ['id'] }).cursor).toBeNull();
  });
});

describe(collectPage.name, () => {
  const keysOf = (page: ReturnType<typeof collectPage>) => page.rows.map((r) => r.erpKey);

  it.each([
    { name: 'a short last page', fetched: [row(1), row(2)], keys: ['1', '2'], more: false, last: ['2'] },
    {
      name: 'a full page with a look-ahead',
      fetched: [row(1), row(2), row(3)],
      keys: ['1', '2'],
      more: true,
      last: ['2'],
    },
    { name: 'an empty page', fetched: [], keys: [], more: false, last: undefined },
  ])('takes $name', ({ fetched, keys, more, last }) => {
    const page = collectPage(fetched, 2, sweep);

    expect(keysOf(page)).toEqual(keys);
    expect(page.more).toBe(more);
    expect(page.last).toEqual(last);
    expect(page.errors).toEqual([]);
  });

  it('reports rows sharing a key inside the page as one duplicate error', () => {
    const page = collectPage([row(1), row(2), row(2), row(3)], 10, sweep);

    expect(keysOf(page)).toEqual(['1', '3']);
    expect(page.errors).toEqual([
      {
        erpKey: '2',
        code: RowErrorCode.DuplicateKey,
        message: '2 rows share key id = "2"; none of them is synced until the key is unique',
      },
    ]);
  });

  it('reports a duplicate group cut by the page boundary and walks past it', () => {
    const page = collectPage([row(1), row(2), row(2), row(2)], 3, sweep);

    expect(keysOf(page)).toEqual(['1']);
    expect(page.errors.map((e) => e.message)).toEqual([
      'At least 3 rows share key id = "2"; none of them is synced until the key is unique',
    ]);
    expect(page.last).toEqual(['2']);
    expect(page.more).toBe(true);
  });

  it('reports a page made of one duplicated key', () => {
    const page = collectPage([row(5), row(5), row(5)], 2, sweep);

    expect(page.rows).toEqual([]);
    expect(page.errors).toHaveLength(1);
    expect(page.position).toEqual({ value: null, key: ['5'] });
  });

  it('does not take a last row whose key differs from the look-ahead as a duplicate', () => {
    const page = collectPage([row(1), row(2), row(3)], 2, sweep);

    expect(page.errors).toEqual([]);
  });

  it('in an incremental walk, only rows sharing both cursor value and key are duplicates', () => {
    const page = collectPage([row(1, 'T1'), row(1, 'T2'), row(2, 'T3'), row(2, 'T3')], 10, incremental);

    expect(keysOf(page)).toEqual(['1', '1']);
    expect(page.errors.map((e) => e.message)).toEqual([
      '2 rows share key id = "2" and cursor at = "T3"; none of them is synced until the key is unique',
    ]);
  });

  it('gives the incremental position as cursor value and key of the last row taken', () => {
    const page = collectPage([row(1, 'T1'), row(2, 'T2'), row(3, 'T3')], 2, incremental);

    expect(page.position).toEqual({ value: 'T2', key: ['2'] });
    expect(page.last).toEqual(['T2', '2']);
  });
});

describe(`${collectPage.name} with keys that cannot identify a deal`, () => {
  it.each([
    { name: 'an empty key', id: '', shown: '""' },
    { name: 'a key blank after trimming', id: ' \t ', shown: '" \\t "' },
  ])('reports $name as a bad row without a key, like a NULL key', ({ id, shown }) => {
    const page = collectPage([row(1), row(id), row(3)], 10, sweep);

    expect(page.rows.map((r) => r.erpKey)).toEqual(['1', '3']);
    expect(page.errors).toEqual([
      {
        erpKey: null,
        code: RowErrorCode.BlankKey,
        message: `key column id is blank in the row with id = ${shown} and cursor at = "T1"; the row is not synced`,
      },
    ]);
  });

  it('names the blank parts of a composite key and keeps a key that only has spaces around it', () => {
    const composite: RowShape = { key: ['o', 'n'], cursor: undefined, order: ['o', 'n'] };
    const page = collectPage(
      [
        { o: 'SO1', n: '' },
        { o: ' SO2 ', n: '1' },
      ],
      10,
      composite,
    );

    expect(page.rows.map((r) => r.erpKey)).toEqual([' SO2 |1']);
    expect(page.errors.map((e) => [e.code, e.message])).toEqual([
      ['blank_key', 'key column n is blank in the row with (o, n) = ("SO1", ""); the row is not synced'],
    ]);
  });

  it('reports a key or cursor holding a NUL byte with the column named and the value escaped', () => {
    const page = collectPage([row('1\u0000'), row(2, 'T\u00002'), row(3)], 10, incremental);

    expect(page.rows.map((r) => r.erpKey)).toEqual(['3']);
    expect(page.errors).toEqual([
      {
        erpKey: null,
        code: RowErrorCode.UnstorableKey,
        message:
          'key column id holds a NUL character (U+0000) at character 2, which PostgreSQL cannot store, ' +
          'in the row with id = "1\\u0000" and cursor at = "T1"; the row is not synced',
      },
      expect.objectContaining({
        erpKey: null,
        code: RowErrorCode.UnstorableKey,
        message: expect.stringMatching(/^cursor column at holds a NUL character/),
      }),
    ]);
  });

  it('gives the position of the last row the state database can store', () => {
    expect(collectPage([row(1, 'T1'), row(2, 'T\u00002')], 10, incremental).position).toEqual({
      value: 'T1',
      key: ['1'],
    });
    expect(collectPage([row('\ud800', 'T1')], 10, incremental).position).toBeNull();
  });
});

describe(nullKeyErrors.name, () => {
  const composite: RowShape = { key: ['o', 'n'], cursor: 'at', order: ['o', 'n'] };

  it('names the NULL columns, the whole key and the cursor value', () => {
    const errors = nullKeyErrors(
      [
        { o: 'SO1', n: null, at: 'T1' },
        { o: null, n: null, at: null },
      ],
      10,
      composite,
    );

    expect(errors).toEqual([
      {
        erpKey: null,
        code: RowErrorCode.NullKey,
        message:
          'key column n is NULL in the row with (o, n) = ("SO1", NULL) and cursor at = "T1"; the row is not synced',
      },
      {
        erpKey: null,
        code: RowErrorCode.NullKey,
        message:
          'key columns o, n are NULL in the row with (o, n) = (NULL, NULL) and cursor at = NULL; the row is not synced',
      },
    ]);
  });

  it('lists at most the limit and says there are more', () => {
    const errors = nullKeyErrors([row(null), row(null), row(null)], 2, sweep);

    expect(errors).toHaveLength(3);
    expect(errors[2].message).toBe('more rows have a NULL key column; only the first 2 are listed');
  });
});

describe(PageCutter.name, () => {
  const cut = (rows: readonly RawRow[], pageSize: number, batch: number) => {
    const cutter = new PageCutter(pageSize, sweep);
    const pages = [];
    for (let offset = 0; offset < rows.length; offset += batch) {
      pages.push(...cutter.push(rows.slice(offset, offset + batch)));
    }
    const last = cutter.end();
    return last === undefined ? pages : [...pages, last];
  };
  const ids = (count: number) => Array.from({ length: count }, (_, index) => row(index + 1));

  it.each([1, 2, 3, 7, 100])(
    'makes the same pages whatever the batches the stream comes in (%i)',
    (batch) => {
      const pages = cut(ids(7), 3, batch);

      expect(pages.map((page) => page.rows.map((r) => r.erpKey))).toEqual([
        ['1', '2', '3'],
        ['4', '5', '6'],
        ['7'],
      ]);
      expect(pages.map((page) => page.more)).toEqual([true, true, false]);
      expect(pages.map((page) => page.position?.key)).toEqual([['3'], ['6'], ['7']]);
    },
  );

  it('makes no empty last page when the rows fill the pages exactly', () => {
    expect(cut(ids(6), 3, 4).map((page) => page.rows.length)).toEqual([3, 3]);
    expect(cut([], 3, 1)).toEqual([]);
  });

  it('reports a duplicate group cut by a page boundary once and drops its rest, however long', () => {
    const rows = [row(1), row(2), row(3), row(3), row(3), row(3), row(3), row(4)];

    const pages = cut(rows, 3, 2);

    expect(pages.map((page) => page.rows.map((r) => r.erpKey))).toEqual([['1', '2'], ['4']]);
    expect(pages[0].errors).toEqual([
      expect.objectContaining({ erpKey: '3', code: RowErrorCode.DuplicateKey }),
    ]);
  });
});

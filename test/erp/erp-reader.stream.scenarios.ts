import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CursorPosition } from '../../src/persistence/entities/sync-run.entity.js';
import type { ErpPage, ErpRowReader } from '../../src/erp/erp-row.reader.js';
import {
  collect,
  createTable,
  insertRows,
  keysOf,
  mappingOf,
  probedReader,
  type ErpTestDriver,
  type ProbedReader,
} from './erp-test.driver.js';

export interface ErpStreamContext {
  readonly url: () => string;
  readonly reader: () => ErpRowReader;
}

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** `2024-03-01 00:00:00` plus `seconds`: write dates one second apart, as an ERP's edits are. */
function writeDate(seconds: number): string {
  return new Date(Date.UTC(2024, 2, 1) + seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** Polls (a hang guard, not a timed assertion) until no session of the database holds a walk open. */
async function noOpenWalk(driver: ErpTestDriver): Promise<number[]> {
  let open = await driver.openWalks();
  for (let attempt = 0; open.length > 0 && attempt < 200; attempt++) {
    await sleep(50);
    open = await driver.openWalks();
  }
  return open;
}

/**
 * One ERP scan per walk: a walk is one statement in one read-only snapshot, cut into pages; the keyset
 * resume only reopens it after a dropped connection. Counted on the real client (statements, rows sent).
 */
export function streamScenarios(driver: ErpTestDriver, context: ErpStreamContext): void {
  const { types } = driver;
  const q = (name: string) => driver.quote(name);
  const probes: ProbedReader[] = [];
  const probe = (): ProbedReader => {
    const probed = probedReader(driver, context.url());
    probes.push(probed);
    return probed;
  };

  afterEach(async () => {
    await Promise.all(probes.splice(0).map((probed) => probed.reader.close()));
  });

  /** Orders joined with their partner, as an Odoo query source is. */
  async function createOrders(name: string, count: number): Promise<string> {
    await createTable(driver, `${name}_partner`, { id: types.int, name: types.text }, ['id']);
    await createTable(
      driver,
      name,
      { id: types.int, partner_id: types.int, amount: types.decimal, write_date: types.timestamp },
      ['id'],
    );
    await driver.exec(`CREATE INDEX ${q(`${name}_write_date`)} ON ${q(name)} (write_date)`);
    await insertRows(
      driver,
      `${name}_partner`,
      ['id', 'name'],
      [
        [1, 'Partner one'],
        [2, 'Partner two'],
      ],
    );
    await insertRows(
      driver,
      name,
      ['id', 'partner_id', 'amount', 'write_date'],
      range(1, count).map((id) => [Number(id), 1 + (Number(id) % 2), `${id}.50`, writeDate(Number(id))]),
    );
    return (
      `SELECT o.id, o.write_date, o.amount, p.name AS partner FROM ${q(name)} o ` +
      `JOIN ${q(`${name}_partner`)} p ON p.id = o.partner_id`
    );
  }

  describe('one statement per walk, in one snapshot', () => {
    let query = '';
    let snapshotQuery = '';

    beforeAll(async () => {
      query = await createOrders('stream_orders', 45);
      snapshotQuery = await createOrders('stream_snapshot', 20);
    });

    it('sweeps a query source of five pages with one statement, each row sent once', async () => {
      const probed = probe();

      const pages = await collect(
        probed.reader.readAll(mappingOf({ query, key: ['id'], cursor: 'write_date', pageSize: 10 })),
      );

      expect(pages.map((page) => page.rows.length)).toEqual([10, 10, 10, 10, 5]);
      expect(keysOf(pages)).toEqual(range(1, 45));
      expect(pages[0].rows[0].values.partner).toBe('Partner two');
      expect(probed.walks).toHaveLength(1);
      expect(probed.rowsSent()).toBe(45);
    });

    it('reads all changes of a query source with one statement', async () => {
      const probed = probe();

      const pages = await collect(
        probed.reader.readChanges(mappingOf({ query, key: ['id'], cursor: 'write_date', pageSize: 7 }), null),
      );

      expect(keysOf(pages)).toEqual(range(1, 45));
      expect(pages).toHaveLength(7);
      expect(probed.walks).toHaveLength(1);
    });

    it('sees the rows as they were when the walk began, whatever is written during it', async () => {
      const probed = probe();
      const walk = probed.reader.readChanges(
        mappingOf({ query: snapshotQuery, key: ['id'], cursor: 'write_date', pageSize: 5 }),
        null,
      );
      const pages = walk[Symbol.asyncIterator]();
      const first = await pages.next();
      const table = q('stream_snapshot');
      // A delivered row moved past the walk's position, a row not yet read edited, one deleted, one added.
      await driver.exec(`UPDATE ${table} SET write_date = ${driver.placeholder(1)} WHERE id = 1`, [
        writeDate(500),
      ]);
      await driver.exec(`UPDATE ${table} SET amount = 999 WHERE id = 12`);
      await driver.exec(`DELETE FROM ${table} WHERE id = 15`);
      await insertRows(
        driver,
        'stream_snapshot',
        ['id', 'partner_id', 'amount', 'write_date'],
        [[21, 1, '21.50', writeDate(600)]],
      );
      const rest: ErpPage[] = [];
      for (let page = await pages.next(); page.done !== true; page = await pages.next()) {
        rest.push(page.value);
      }
      const rows = [first.value as ErpPage, ...rest].flatMap((page) => page.rows);

      expect(rows.map((row) => row.erpKey)).toEqual(range(1, 20));
      expect(Number(rows.find((row) => row.erpKey === '12')?.values.amount)).toBe(12.5);
      expect(probed.walks).toHaveLength(1);
    });
  });

  describe('an incremental run', () => {
    let query = '';
    let position: CursorPosition | null = null;
    const mapping = () =>
      mappingOf({ query, key: ['id'], cursor: 'write_date', lookback: 10_000, pageSize: 4 });

    beforeAll(async () => {
      query = await createOrders('stream_window', 100);
      const pages = await collect(context.reader().readChanges(mapping(), null));
      position = pages.at(-1)?.position ?? null;
    });

    it('with nothing changed reads the lookback window only, once, in one statement', async () => {
      const probed = probe();

      const pages = await collect(probed.reader.readChanges(mapping(), position));

      // write dates one second apart: the 10 s before the last one, and the last one.
      expect(keysOf(pages)).toEqual(range(90, 100));
      expect(probed.walks).toHaveLength(1);
      expect(probed.rowsSent()).toBe(11);
    });

    it('with 2% of the rows changed reads them and the window, once, in one statement', async () => {
      await driver.exec(
        `UPDATE ${q('stream_window')} SET write_date = ${driver.placeholder(1)} WHERE id = 3`,
        [writeDate(105)],
      );
      await driver.exec(
        `UPDATE ${q('stream_window')} SET write_date = ${driver.placeholder(1)} WHERE id = 7`,
        [writeDate(106)],
      );
      const probed = probe();

      const pages = await collect(probed.reader.readChanges(mapping(), position));

      expect(keysOf(pages)).toEqual([...range(90, 100), '3', '7']);
      expect(probed.walks).toHaveLength(1);
      expect(probed.rowsSent()).toBe(13);
    });
  });

  describe('a dropped connection', () => {
    const table = 'stream_large';
    const total = 40_000;

    beforeAll(async () => {
      // Wide rows: more than the sockets buffer, so the walk is still on the server when it is killed.
      await createTable(driver, table, { id: types.int, pad: 'TEXT' }, ['id']);
      await driver.exec(
        `INSERT INTO ${q(table)} (id, pad) SELECT n, REPEAT('x', 500) FROM (${driver.series(total)}) AS s`,
      );
    });

    it('resumes after the last page delivered: no row lost or read twice, one reopened statement', async () => {
      const probed = probe();
      const walk = probed.reader.readAll(mappingOf({ table, key: ['id'], pageSize: 500 }));
      const pages = walk[Symbol.asyncIterator]();
      const delivered: string[] = [];
      for (let index = 0; index < 3; index++) {
        const page = await pages.next();
        delivered.push(...keysOf([page.value as ErpPage]));
      }
      const walks = await driver.openWalks();
      await driver.kill(walks);
      for (let page = await pages.next(); page.done !== true; page = await pages.next()) {
        delivered.push(...keysOf([page.value]));
      }

      expect(walks).toHaveLength(1);
      expect(delivered).toEqual(range(1, total));
      expect(probed.walks).toHaveLength(2);
      // Reopened strictly after a page's last key, at or past the third (rows already buffered are delivered first).
      const resumedAfter = Number(probed.walks[1].params[0]);
      expect(resumedAfter % 500).toBe(0);
      expect(resumedAfter).toBeGreaterThanOrEqual(1500);
      expect(resumedAfter).toBeLessThan(total);
    });

    it('releases the session when the consumer stops early, every time', async () => {
      const probed = probe();
      const mapping = mappingOf({ table, key: ['id'], pageSize: 100 });

      // More early stops than the pool has connections: a session kept by a stopped walk would hang the last.
      for (let stop = 0; stop < 6; stop++) {
        for await (const page of probed.reader.readAll(mapping)) {
          expect(page.rows).toHaveLength(100);
          break;
        }
      }
      const open = await noOpenWalk(driver);
      const pages = await collect(probed.reader.readAll(mappingOf({ table, key: ['id'], pageSize: 10_000 })));

      expect(open).toEqual([]);
      expect(keysOf(pages)).toHaveLength(total);
    });
  });
}

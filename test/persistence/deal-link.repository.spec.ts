import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DealLinkRepository } from '../../src/persistence/deal-link.repository.js';
import { createMigratedDataSource, type TestDataSource } from '../support/database.js';
import { countingTuplesRead } from '../support/tuples-read.js';

const NOW = new Date('2026-12-05T10:00:00Z');

describe(DealLinkRepository.name, () => {
  let db: TestDataSource;
  let links: DealLinkRepository;

  beforeAll(async () => {
    db = await createMigratedDataSource();
    links = new DealLinkRepository(db.dataSource);
    await db.dataSource.query(
      `INSERT INTO deal_link (mapping, erp_key, deal_id, payload, payload_hash, removed, failed_attempts, retry_at)
       VALUES ('m', 'same', 1, '{"TITLE":"a"}', 'h1', false, 0, NULL),
              ('m', 'moved', 2, '{"TITLE":"b"}', 'h2', false, 0, NULL),
              ('m', 'removed', 3, '{"TITLE":"c"}', 'h3', true, 0, NULL),
              ('m', 'failing', 4, '{"TITLE":"d"}', 'h4', false, 2, $1),
              ('other', 'same', 5, '{"TITLE":"e"}', 'h1', false, 0, NULL)`,
      [NOW],
    );
  });

  afterAll(() => db.close());

  const BIG = 'big';

  /** 40,000 links in mapping `big` (analyzed, as autovacuum would have): 2,000 of their keys, spread out. */
  async function manyLinks(): Promise<string[]> {
    const [{ count }] = await db.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM deal_link WHERE mapping = $1`,
      [BIG],
    );
    if (count === 0) {
      await db.dataSource.query(
        `INSERT INTO deal_link (mapping, erp_key, deal_id, payload, payload_hash)
         SELECT $1, n::text, 1000 + n, '{"TITLE":"x"}', 'h' FROM generate_series(1, 40000) AS n`,
        [BIG],
      );
      await db.dataSource.query('ANALYZE deal_link');
    }
    return Array.from({ length: 2_000 }, (_, at) => String(1 + at * 20));
  }

  describe('findByKeys', () => {
    it("leaves out the payload only of links whose hash matches the row's and that are neither removed nor failing", async () => {
      const found = await links.findByKeys(
        'm',
        ['same', 'moved', 'removed', 'failing', 'unknown'],
        ['h1', 'h2-changed', 'h3', 'h4', 'h5'],
      );

      expect([...found.keys()].sort()).toEqual(['failing', 'moved', 'removed', 'same']);
      expect(found.get('same')).toMatchObject({ dealId: 1, payloadHash: 'h1', payload: null });
      expect(found.get('moved')).toMatchObject({ dealId: 2, payload: { TITLE: 'b' } });
      expect(found.get('removed')).toMatchObject({ removed: true, payload: { TITLE: 'c' } });
      expect(found.get('failing')).toMatchObject({
        failedAttempts: 2,
        retryAt: NOW,
        payload: { TITLE: 'd' },
      });
    });

    it('reads every payload when no hashes are given (parent links), and only the mapping asked for', async () => {
      const found = await links.findByKeys('m', ['same']);

      expect(found.get('same')).toMatchObject({ dealId: 1, payload: { TITLE: 'a' } });
    });

    it('reads one link per key asked for, not every link of the mapping, however many links there are', async () => {
      const keys = await manyLinks();

      const { result, tuplesRead } = await countingTuplesRead(db.dataSource, 'deal_link', (single) =>
        new DealLinkRepository(single).findByKeys(
          BIG,
          keys,
          keys.map(() => 'h'),
        ),
      );

      expect(result.size).toBe(keys.length);
      expect(tuplesRead).toBeLessThanOrEqual(2 * keys.length);
    });

    it('takes more keys than a statement takes bind parameters', async () => {
      const keys = Array.from({ length: 70_000 }, (_, at) => `k${at}`);

      expect((await links.findByKeys('m', [...keys, 'same'], [...keys.map(() => null), 'h1'])).size).toBe(1);
    });
  });

  describe('refresh', () => {
    it('updates the links of the keys given by one probe each, not by a scan of the mapping', async () => {
      const keys = await manyLinks();
      const refreshes = keys.map((erpKey) => ({ erpKey, payload: { TITLE: 'y' }, payloadHash: 'h2' }));

      const { tuplesRead } = await countingTuplesRead(db.dataSource, 'deal_link', (single) =>
        new DealLinkRepository(single).refresh(BIG, refreshes, NOW),
      );

      expect(tuplesRead).toBeLessThanOrEqual(2 * keys.length);
      const [{ refreshed }] = await db.dataSource.query<{ refreshed: number }[]>(
        `SELECT count(*)::int AS refreshed FROM deal_link WHERE mapping = $1 AND payload_hash = 'h2'`,
        [BIG],
      );
      expect(refreshed).toBe(keys.length);
    });
  });
});

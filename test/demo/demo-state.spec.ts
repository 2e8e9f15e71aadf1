import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { Secret } from '../../src/config/secret.js';
import { forgetDemoLinks, PORTAL_RESET_CODE } from '../../src/demo/demo-state.js';
import { createMigratedDataSource, createTestDatabase, type TestDataSource } from '../support/database.js';

const DEMO = 'demo-orders';
const OTHER = 'odoo-orders';

describe(forgetDemoLinks.name, () => {
  let state: TestDataSource;
  let db: DataSource;

  beforeAll(async () => {
    state = await createMigratedDataSource();
    db = state.dataSource;
    for (const mapping of [DEMO, OTHER]) {
      const [{ id }] = await db.query<{ id: number }[]>(
        `INSERT INTO sync_run (mapping, trigger, mode, status) VALUES ($1, 'schedule', 'incremental', 'running') RETURNING id`,
        [mapping],
      );
      await db.query(
        `INSERT INTO deal_link (mapping, erp_key, deal_id) VALUES ($1, '1', 11), ($1, '2', 12)`,
        [mapping],
      );
      await db.query(`INSERT INTO sync_cursor (mapping, value, erp_key) VALUES ($1, '2026-11-28', '["2"]')`, [
        mapping,
      ]);
      await db.query(
        `INSERT INTO sync_operation (run_id, mapping, erp_key, action, status, deal_id, fields, changes)
         VALUES ($1, $2, '1', 'update', 'succeeded', 11, '{}', '{}'),
                ($1, $2, '2', 'update', 'in_flight', 12, '{}', '{}')`,
        [id, mapping],
      );
    }
  });

  afterAll(async () => {
    await state?.close();
  });

  it('forgets the demo mapping’s links and cursor, and closes its open operations', async () => {
    const forgotten = await forgetDemoLinks(new Secret(state.url), DEMO);

    const count = async (sql: string, mapping: string) =>
      Number((await db.query<{ count: string }[]>(sql, [mapping]))[0].count);
    expect(forgotten).toBe(2);
    expect(await count('SELECT count(*) FROM deal_link WHERE mapping = $1', DEMO)).toBe(0);
    expect(await count('SELECT count(*) FROM sync_cursor WHERE mapping = $1', DEMO)).toBe(0);
    expect(
      await db.query(
        `SELECT erp_key, status, error_code FROM sync_operation WHERE mapping = $1 ORDER BY erp_key`,
        [DEMO],
      ),
    ).toEqual([
      { erp_key: '1', status: 'succeeded', error_code: null },
      { erp_key: '2', status: 'failed', error_code: PORTAL_RESET_CODE },
    ]);
  });

  it('leaves other mappings alone', async () => {
    expect(
      await db.query('SELECT count(*)::int AS count FROM deal_link WHERE mapping = $1', [OTHER]),
    ).toEqual([{ count: 2 }]);
    expect(
      await db.query(
        `SELECT count(*)::int AS count FROM sync_operation WHERE mapping = $1 AND status = 'in_flight'`,
        [OTHER],
      ),
    ).toEqual([{ count: 1 }]);
  });

  it('does nothing in a state database not migrated yet (the very first start)', async () => {
    const empty = await createTestDatabase('demo_state');
    try {
      await expect(forgetDemoLinks(new Secret(empty.url), DEMO)).resolves.toBe(0);
    } finally {
      await empty.drop();
    }
  });
});

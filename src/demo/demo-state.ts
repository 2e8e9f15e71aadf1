import pg from 'pg';
import type { Secret } from '../config/secret.js';

export const PORTAL_RESET_CODE = 'DEMO_PORTAL_RESET';

/**
 * The emulated portal lives in memory, so it starts empty on every start while the state database
 * remembers the deals of the last one. Forgets the mapping's links and cursor (and closes operations
 * still open against the old portal) so the first run loads every order again; runs and operations
 * stay in the sync log. Returns how many links were forgotten. No tables yet (first start): nothing to do.
 */
export async function forgetDemoLinks(stateUrl: Secret, mapping: string): Promise<number> {
  const client = new pg.Client({ connectionString: stateUrl.reveal() });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>(
      `SELECT to_regclass('deal_link')::text AS table`,
    );
    if (rows[0].table === null) {
      return 0;
    }
    await client.query('BEGIN');
    const links = await client.query('DELETE FROM deal_link WHERE mapping = $1', [mapping]);
    await client.query('DELETE FROM sync_cursor WHERE mapping = $1', [mapping]);
    await client.query(
      `UPDATE sync_operation
          SET status = 'failed', error_code = $2, finished_at = now(), updated_at = now(),
              error_message = 'the demo portal restarted empty; the next run loads this row again'
        WHERE mapping = $1 AND status IN ('planned', 'pending', 'in_flight')`,
      [mapping, PORTAL_RESET_CODE],
    );
    await client.query('COMMIT');
    return links.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

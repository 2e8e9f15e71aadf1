import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A full sweep records the keys it read in a table of its own instead of stamping every link: a sweep over a million
 * unchanged rows no longer rewrites a million links. Unlogged: a crash loses only a sweep in progress, which is
 * read again by the next one.
 */
export class SweepKeys1764500000001 implements MigrationInterface {
  name = 'SweepKeys1764500000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE sync_sweep_key (
        run_id  integer NOT NULL,
        erp_key text NOT NULL,
        CONSTRAINT pk_sync_sweep_key PRIMARY KEY (run_id, erp_key)
      )`);
    await db.query(`ALTER TABLE deal_link DROP COLUMN seen_run_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deal_link ADD COLUMN seen_run_id integer`);
    await db.query(`DROP TABLE sync_sweep_key`);
  }
}

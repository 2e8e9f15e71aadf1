import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fences runs without trusting the advisory lock (DESIGN §3 invariant 6): a running run holds a lease that its
 * process renews; at most one run of a mapping is `running`; an operation is claimed by the run that sends it.
 */
export class RunLease1764500000000 implements MigrationInterface {
  name = 'RunLease1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sync_run ADD COLUMN lease_owner text`);
    await db.query(`ALTER TABLE sync_run ADD COLUMN lease_expires_at timestamptz`);
    // Runs left `running` by earlier versions are closed, so the one-running-run index can be built.
    await db.query(
      `UPDATE sync_run SET status = 'failed', finished_at = now(),
              error = 'closed by an upgrade: the process running it had stopped'
        WHERE status = 'running'`,
    );
    await db.query(`CREATE UNIQUE INDEX ux_sync_run_running ON sync_run (mapping) WHERE status = 'running'`);
    await db.query(`ALTER TABLE sync_operation ADD COLUMN claimed_by integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sync_operation DROP COLUMN claimed_by`);
    await db.query(`DROP INDEX ux_sync_run_running`);
    await db.query(`ALTER TABLE sync_run DROP COLUMN lease_expires_at`);
    await db.query(`ALTER TABLE sync_run DROP COLUMN lease_owner`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox is read in id order, only its open rows: a partial index on exactly that keeps `findOpen`/`countOpen` to
 * the open operations however many millions of finished ones the table holds.
 */
export class OpenOperationOrder1764500000002 implements MigrationInterface {
  name = 'OpenOperationOrder1764500000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX ix_sync_operation_open_order ON sync_operation (mapping, id) WHERE status IN ('pending', 'in_flight')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_sync_operation_open_order`);
  }
}

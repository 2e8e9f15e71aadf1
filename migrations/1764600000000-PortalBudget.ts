import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One budget per portal, shared by every process that talks to it: the portal's leaky bucket
 * (`portal_budget`) and each method's operating budget (`portal_method_budget`, with the cost each process
 * still has out in `portal_method_claim`). Times are the
 * processes' clocks in milliseconds (double precision: scaled test clocks are fractional).
 * UNLOGGED: written on every request, worthless after a crash (the portal's bucket drains within
 * seconds, the operating figures come back with the next answer), so no WAL flush per commit.
 */
export class PortalBudget1764600000000 implements MigrationInterface {
  name = 'PortalBudget1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE portal_budget (
        portal          text NOT NULL,
        level           double precision NOT NULL,
        level_at_ms     double precision NOT NULL,
        paused_until_ms double precision NOT NULL DEFAULT 0,
        last_granted    integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_portal_budget PRIMARY KEY (portal)
      )`);
    await db.query(`
      CREATE UNLOGGED TABLE portal_method_budget (
        portal            text NOT NULL,
        method            text NOT NULL,
        observed          boolean NOT NULL DEFAULT false,
        operating_seconds double precision NOT NULL DEFAULT 0,
        reset_at_ms       double precision,
        call_cost_seconds double precision NOT NULL DEFAULT 0,
        blocked_until_ms  double precision,
        portal_at         double precision,
        CONSTRAINT pk_portal_method_budget PRIMARY KEY (portal, method)
      )`);
    // Cost still out, one row per process: a process that died stops refreshing its row, which then no longer counts.
    await db.query(`
      CREATE UNLOGGED TABLE portal_method_claim (
        portal            text NOT NULL,
        method            text NOT NULL,
        owner             text NOT NULL,
        in_flight_seconds double precision NOT NULL DEFAULT 0,
        in_flight_calls   integer NOT NULL DEFAULT 0,
        claimed_at_ms     double precision NOT NULL,
        CONSTRAINT pk_portal_method_claim PRIMARY KEY (portal, method, owner)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE portal_method_claim`);
    await db.query(`DROP TABLE portal_method_budget`);
    await db.query(`DROP TABLE portal_budget`);
  }
}

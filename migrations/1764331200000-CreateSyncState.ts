import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Runs, the operation outbox, ERP→deal links, cursors and OAuth tokens (DESIGN §5). */
export class CreateSyncState1764331200000 implements MigrationInterface {
  name = 'CreateSyncState1764331200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TYPE run_trigger AS ENUM ('schedule', 'manual', 'retry')`);
    await db.query(`CREATE TYPE run_mode AS ENUM ('incremental', 'full', 'reconcile')`);
    await db.query(
      `CREATE TYPE run_status AS ENUM ('queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled')`,
    );
    await db.query(`CREATE TYPE operation_action AS ENUM ('create', 'update', 'delete')`);
    await db.query(
      `CREATE TYPE operation_status AS ENUM ('planned', 'pending', 'in_flight', 'succeeded', 'failed', 'parked')`,
    );

    await db.query(`
      CREATE TABLE sync_run (
        id               SERIAL NOT NULL,
        mapping          text NOT NULL,
        trigger          run_trigger NOT NULL,
        mode             run_mode NOT NULL,
        requested_by     text,
        dry_run          boolean NOT NULL DEFAULT false,
        erp_keys         text array,
        status           run_status NOT NULL DEFAULT 'queued',
        cancel_requested boolean NOT NULL DEFAULT false,
        created_at       timestamptz NOT NULL DEFAULT now(),
        started_at       timestamptz,
        finished_at      timestamptz,
        cursor_from      jsonb,
        cursor_to        jsonb,
        rows_read        integer NOT NULL DEFAULT 0,
        planned          integer NOT NULL DEFAULT 0,
        applied          integer NOT NULL DEFAULT 0,
        created          integer NOT NULL DEFAULT 0,
        updated          integer NOT NULL DEFAULT 0,
        deleted          integer NOT NULL DEFAULT 0,
        unchanged        integer NOT NULL DEFAULT 0,
        failed           integer NOT NULL DEFAULT 0,
        error            text,
        CONSTRAINT pk_sync_run PRIMARY KEY (id)
      )`);
    await db.query(`CREATE INDEX ix_sync_run_mapping_created ON sync_run (mapping, created_at)`);
    await db.query(`CREATE INDEX ix_sync_run_status ON sync_run (status)`);

    await db.query(`
      CREATE TABLE sync_operation (
        id              BIGSERIAL NOT NULL,
        run_id          integer NOT NULL,
        mapping         text NOT NULL,
        erp_key         text NOT NULL,
        action          operation_action NOT NULL,
        status          operation_status NOT NULL DEFAULT 'pending',
        deal_id         integer,
        fields          jsonb NOT NULL,
        payload         jsonb,
        payload_hash    text,
        changes         jsonb NOT NULL,
        cursor          jsonb,
        attempt         integer NOT NULL DEFAULT 0,
        error_code      text,
        error_message   text,
        next_attempt_at timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz,
        CONSTRAINT pk_sync_operation PRIMARY KEY (id),
        CONSTRAINT fk_sync_operation_run FOREIGN KEY (run_id) REFERENCES sync_run (id) ON DELETE CASCADE
      )`);
    await db.query(`CREATE INDEX ix_sync_operation_run_status ON sync_operation (run_id, status)`);
    await db.query(
      `CREATE INDEX ix_sync_operation_mapping_key ON sync_operation (mapping, erp_key, created_at)`,
    );
    await db.query(
      `CREATE INDEX ix_sync_operation_open ON sync_operation (mapping, status) WHERE status IN ('pending', 'in_flight', 'failed')`,
    );
    await db.query(`CREATE INDEX ix_sync_operation_created ON sync_operation (created_at)`);
    // At most one open operation per ERP key: a resumed create can never race a newly planned one.
    await db.query(
      `CREATE UNIQUE INDEX ux_sync_operation_open_key ON sync_operation (mapping, erp_key) WHERE status IN ('pending', 'in_flight')`,
    );

    await db.query(`
      CREATE TABLE deal_link (
        mapping         text NOT NULL,
        erp_key         text NOT NULL,
        deal_id         integer,
        payload         jsonb,
        payload_hash    text,
        synced_at       timestamptz,
        seen_run_id     integer,
        removed         boolean NOT NULL DEFAULT false,
        failed_attempts integer NOT NULL DEFAULT 0,
        last_error      text,
        retry_at        timestamptz,
        parked          boolean NOT NULL DEFAULT false,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_deal_link PRIMARY KEY (mapping, erp_key)
      )`);
    await db.query(
      `CREATE UNIQUE INDEX ux_deal_link_mapping_deal ON deal_link (mapping, deal_id) WHERE deal_id IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX ix_deal_link_retry ON deal_link (mapping, retry_at) WHERE failed_attempts > 0`,
    );

    await db.query(`
      CREATE TABLE sync_cursor (
        mapping    text NOT NULL,
        value      text,
        erp_key    jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sync_cursor PRIMARY KEY (mapping)
      )`);

    await db.query(`
      CREATE TABLE oauth_token (
        portal            text NOT NULL,
        access_token_enc  text NOT NULL,
        refresh_token_enc text NOT NULL,
        expires_at        timestamptz NOT NULL,
        member_id         text,
        scope             text,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_oauth_token PRIMARY KEY (portal)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE oauth_token`);
    await db.query(`DROP TABLE sync_cursor`);
    await db.query(`DROP TABLE deal_link`);
    await db.query(`DROP TABLE sync_operation`);
    await db.query(`DROP TABLE sync_run`);
    await db.query(`DROP TYPE operation_status`);
    await db.query(`DROP TYPE operation_action`);
    await db.query(`DROP TYPE run_status`);
    await db.query(`DROP TYPE run_mode`);
    await db.query(`DROP TYPE run_trigger`);
  }
}

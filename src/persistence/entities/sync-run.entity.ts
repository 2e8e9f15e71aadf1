import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum RunTrigger {
  Schedule = 'schedule',
  Manual = 'manual',
  Retry = 'retry',
}

export enum RunMode {
  Incremental = 'incremental',
  Full = 'full',
  Reconcile = 'reconcile',
}

export enum RunStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  PartiallyFailed = 'partially_failed',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

/** A cursor position: the cursor column's value exactly as the database printed it, and the row key. */
export interface CursorPosition {
  readonly value: string | null;
  readonly key: readonly string[];
}

/** One pass of one mapping. */
@Entity('sync_run')
@Index('ix_sync_run_mapping_created', ['mapping', 'createdAt'])
@Index('ix_sync_run_status', ['status'])
@Index('ux_sync_run_running', ['mapping'], { unique: true, where: `status = 'running'` })
export class SyncRun {
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'pk_sync_run' })
  id!: number;

  @Column({ type: 'text' })
  mapping!: string;

  @Column({ type: 'enum', enum: RunTrigger, enumName: 'run_trigger' })
  trigger!: RunTrigger;

  @Column({ type: 'enum', enum: RunMode, enumName: 'run_mode' })
  mode!: RunMode;

  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun!: boolean;

  /** Only these ERP keys (a targeted resync); null means every row. */
  @Column({ name: 'erp_keys', type: 'text', array: true, nullable: true })
  erpKeys!: string[] | null;

  @Column({ type: 'enum', enum: RunStatus, enumName: 'run_status', default: RunStatus.Queued })
  status!: RunStatus;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'cursor_from', type: 'jsonb', nullable: true })
  cursorFrom!: CursorPosition | null;

  @Column({ name: 'cursor_to', type: 'jsonb', nullable: true })
  cursorTo!: CursorPosition | null;

  @Column({ name: 'rows_read', type: 'integer', default: 0 })
  rowsRead!: number;

  @Column({ type: 'integer', default: 0 })
  planned!: number;

  @Column({ type: 'integer', default: 0 })
  applied!: number;

  @Column({ type: 'integer', default: 0 })
  created!: number;

  @Column({ type: 'integer', default: 0 })
  updated!: number;

  @Column({ type: 'integer', default: 0 })
  deleted!: number;

  @Column({ type: 'integer', default: 0 })
  unchanged!: number;

  @Column({ type: 'integer', default: 0 })
  failed!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The process running it (a random id per engine); only the owner renews the lease or closes the run. */
  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  /** A `running` run whose lease has expired (by the database's clock) is dead and may be closed by another. */
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;
}

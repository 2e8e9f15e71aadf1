import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { SyncRun, type CursorPosition } from './sync-run.entity.js';

export enum OperationAction {
  Create = 'create',
  Update = 'update',
  Delete = 'delete',
}

export enum OperationStatus {
  /** A dry run's operation: what would be sent. Never applied. */
  Planned = 'planned',
  Pending = 'pending',
  InFlight = 'in_flight',
  Succeeded = 'succeeded',
  Failed = 'failed',
  Parked = 'parked',
}

/** One field's change as pushed: the value we believe the deal had, and the value we sent. */
export interface FieldChange {
  readonly old: unknown;
  readonly new: unknown;
}

/** The outbox: one row per deal per run, written before anything is sent. */
@Entity('sync_operation')
@Index('ix_sync_operation_run_status', ['runId', 'status'])
@Index('ix_sync_operation_mapping_key', ['mapping', 'erpKey', 'createdAt'])
@Index('ix_sync_operation_open', ['mapping', 'status'], {
  where: `status IN ('pending', 'in_flight', 'failed')`,
})
@Index('ix_sync_operation_created', ['createdAt'])
@Index('ix_sync_operation_open_order', ['mapping', 'id'], { where: `status IN ('pending', 'in_flight')` })
@Index('ux_sync_operation_open_key', ['mapping', 'erpKey'], {
  unique: true,
  where: `status IN ('pending', 'in_flight')`,
})
export class SyncOperation {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_sync_operation' })
  id!: string;

  @Column({ name: 'run_id', type: 'integer' })
  runId!: number;

  @ManyToOne(() => SyncRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_sync_operation_run' })
  run?: Relation<SyncRun>;

  @Column({ type: 'text' })
  mapping!: string;

  @Column({ name: 'erp_key', type: 'text' })
  erpKey!: string;

  @Column({ type: 'enum', enum: OperationAction, enumName: 'operation_action' })
  action!: OperationAction;

  @Column({
    type: 'enum',
    enum: OperationStatus,
    enumName: 'operation_status',
    default: OperationStatus.Pending,
  })
  status!: OperationStatus;

  @Column({ name: 'deal_id', type: 'integer', nullable: true })
  dealId!: number | null;

  /** Exactly the fields sent to Bitrix24 (a create: the whole payload; an update: the changed fields). */
  @Column({ type: 'jsonb' })
  fields!: Record<string, unknown>;

  /** The full mapped payload; becomes the link's payload once confirmed (null for deletes). */
  @Column({ type: 'jsonb', nullable: true })
  payload!: Record<string, unknown> | null;

  /** Hash of the full mapped payload; becomes the link's hash once confirmed. */
  @Column({ name: 'payload_hash', type: 'text', nullable: true })
  payloadHash!: string | null;

  @Column({ type: 'jsonb' })
  changes!: Record<string, FieldChange>;

  /** The ERP row's cursor position, confirmed together with the operation. */
  @Column({ type: 'jsonb', nullable: true })
  cursor!: CursorPosition | null;

  /** Times it was sent. A create sent before (attempt > 0) may exist already: it is looked up, not resent. */
  @Column({ type: 'integer', default: 0 })
  attempt!: number;

  /** The run that claimed it to send (compare-and-set); no other live run touches it while it is in flight. */
  @Column({ name: 'claimed_by', type: 'integer', nullable: true })
  claimedBy!: number | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

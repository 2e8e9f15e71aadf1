import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** ERP row → Bitrix24 deal, with what was last confirmed pushed. */
@Entity('deal_link')
@Index('ux_deal_link_mapping_deal', ['mapping', 'dealId'], { unique: true, where: 'deal_id IS NOT NULL' })
@Index('ix_deal_link_retry', ['mapping', 'retryAt'], { where: 'failed_attempts > 0' })
export class DealLink {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_deal_link' })
  mapping!: string;

  @PrimaryColumn({ name: 'erp_key', type: 'text', primaryKeyConstraintName: 'pk_deal_link' })
  erpKey!: string;

  /** Null until the deal is confirmed created (a row that has only failed so far). */
  @Column({ name: 'deal_id', type: 'integer', nullable: true })
  dealId!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  payload!: Record<string, unknown> | null;

  @Column({ name: 'payload_hash', type: 'text', nullable: true })
  payloadHash!: string | null;

  @Column({ name: 'synced_at', type: 'timestamptz', nullable: true })
  syncedAt!: Date | null;

  /** True once the delete policy was applied (deal deleted or closed). */
  @Column({ type: 'boolean', default: false })
  removed!: boolean;

  @Column({ name: 'failed_attempts', type: 'integer', default: 0 })
  failedAttempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'retry_at', type: 'timestamptz', nullable: true })
  retryAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  parked!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

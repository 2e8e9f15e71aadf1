import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last confirmed incremental position of a mapping. */
@Entity('sync_cursor')
export class SyncCursor {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_sync_cursor' })
  mapping!: string;

  /** The cursor column's value as the ERP database printed it (never a JS Date: no precision lost). */
  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ name: 'erp_key', type: 'jsonb' })
  erpKey!: string[];

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

import { Module, type OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { Bitrix24Module } from '../bitrix24/bitrix24.module.js';
import { ErpModule } from '../erp/erp.module.js';
import { ChangePlanner } from './change.planner.js';
import { compileMapping } from './mapping/mapping-compiler.js';
import { OutboxApplier } from './outbox.applier.js';
import { PARENT_RUNNER, RowRelations } from './row-relations.js';
import { ReconcilePlanner } from './reconcile.planner.js';
import { SyncRunExecutor } from './sync-run.executor.js';
import { SyncService } from './sync.service.js';

/** The engine: ERP reader + Bitrix24 gateway + state repositories (the persistence module, global in the app). */
@Module({
  imports: [ErpModule, Bitrix24Module],
  providers: [
    SyncService,
    SyncRunExecutor,
    ChangePlanner,
    ReconcilePlanner,
    OutboxApplier,
    RowRelations,
    { provide: PARENT_RUNNER, useExisting: SyncService },
  ],
  exports: [SyncService],
})
export class SyncModule implements OnModuleInit {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** Mapping problems only found while compiling (a template naming an unknown placeholder…) stop start-up too. */
  onModuleInit(): void {
    this.config.mappings.forEach((mapping, index) => compileMapping(mapping, index));
  }
}

import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { SyncScheduler } from './sync.scheduler.js';

/** Cron jobs per mapping; `syncModule` provides SyncService (needs ScheduleModule.forRoot() in the app). */
@Module({})
export class SchedulerModule {
  static forRoot(syncModule: Type | DynamicModule): DynamicModule {
    return { module: SchedulerModule, imports: [syncModule], providers: [SyncScheduler] };
  }
}

import { Module } from '@nestjs/common';
import { SyncScheduler } from './sync.scheduler.js';

/** Needs ScheduleModule.forRoot() and the sync module in the app. */
@Module({ providers: [SyncScheduler] })
export class SchedulerModule {}

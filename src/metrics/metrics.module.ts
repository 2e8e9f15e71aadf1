import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { SyncMetrics } from './sync.metrics.js';

/** `GET /metrics` and the SyncMetrics sink the engine and the Bitrix24 client report to. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [SyncMetrics],
  exports: [SyncMetrics],
})
export class MetricsModule {}

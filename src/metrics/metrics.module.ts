import { Global, Module } from '@nestjs/common';
import { Bitrix24Module } from '../bitrix24/bitrix24.module.js';
import { Bitrix24MetricsBridge } from './bitrix24-metrics.bridge.js';
import { MetricsController } from './metrics.controller.js';
import { SyncMetrics } from './sync.metrics.js';

/** `GET /metrics` and the SyncMetrics sink the engine reports to; the Bitrix24 client's figures are bridged in. */
@Global()
@Module({
  imports: [Bitrix24Module],
  controllers: [MetricsController],
  providers: [SyncMetrics, Bitrix24MetricsBridge],
  exports: [SyncMetrics],
})
export class MetricsModule {}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Bitrix24Client } from '../bitrix24/bitrix24.client.js';
import { SyncMetrics } from './sync.metrics.js';

/** Feeds the Bitrix24 client's request, limiter and operating-budget events into the Prometheus series. */
@Injectable()
export class Bitrix24MetricsBridge implements OnModuleInit {
  constructor(
    private readonly client: Bitrix24Client,
    private readonly metrics: SyncMetrics,
  ) {}

  onModuleInit(): void {
    const stats = this.client.stats;
    stats.on('request', (event) => this.metrics.bitrix24Request(event.method, event.code ?? event.status));
    stats.on('limiterWait', (event) => this.metrics.rateLimitWaited(event.ms / 1000));
    stats.on('operating', (event) => this.metrics.operatingHeadroom(event.method, event.headroomSeconds));
  }
}

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
    // CRM validation errors carry an empty code (bitrix24-api.md §2.3): a label needs a name.
    stats.on('request', (event) =>
      this.metrics.bitrix24Request(
        event.method,
        event.code === '' ? 'empty_code' : (event.code ?? event.status),
      ),
    );
    stats.on('limiterWait', (event) => {
      if (event.reason === 'rate') {
        this.metrics.rateLimitWaited(event.ms / 1000);
      }
    });
    stats.on('operating', (event) => this.metrics.operatingHeadroom(event.method, event.headroomSeconds));
  }
}

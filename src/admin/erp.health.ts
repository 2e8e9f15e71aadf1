import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** Reports the ERP database; "not configured" is healthy (the daemon still serves its API). */
@Injectable()
export class ErpHealthIndicator {
  constructor(private readonly indicator: HealthIndicatorService) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    return Promise.resolve(this.indicator.check(key).up({ configured: false }));
  }
}

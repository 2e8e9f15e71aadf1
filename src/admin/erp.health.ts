import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ErpRowReader } from '../erp/erp-row.reader.js';
import { InjectErpReader } from '../erp/erp.module.js';

const PING_TIMEOUT_MS = 3000;

/** Reports the ERP database; "not configured" is healthy (the daemon still serves its API). */
@Injectable()
export class ErpHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @InjectErpReader() private readonly reader: ErpRowReader | null,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const check = this.indicator.check(key);
    if (!this.reader) {
      return check.up({ configured: false });
    }
    try {
      await Promise.race([
        this.reader.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('no answer within 3 s')), PING_TIMEOUT_MS).unref(),
        ),
      ]);
      return check.up({ dialect: this.reader.dialect });
    } catch (error) {
      return check.down({ dialect: this.reader.dialect, message: (error as Error).message });
    }
  }
}

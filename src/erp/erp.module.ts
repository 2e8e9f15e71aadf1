import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { createErpRowReader } from './erp-row-reader.factory.js';
import type { ErpRowReader } from './erp-row.reader.js';

/** The ERP reader, or null when ERP_DATABASE_URL is not configured. */
export const ERP_READER = Symbol('ERP_READER');

/** `constructor(@InjectErpReader() reader: ErpRowReader | null)` */
export const InjectErpReader = (): ParameterDecorator => Inject(ERP_READER);

@Module({
  providers: [
    {
      provide: ERP_READER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ErpRowReader | null =>
        config.erpDatabase === undefined ? null : createErpRowReader(config.erpDatabase),
    },
  ],
  exports: [ERP_READER],
})
export class ErpModule implements OnApplicationShutdown {
  constructor(@InjectErpReader() private readonly reader: ErpRowReader | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.reader?.close();
  }
}

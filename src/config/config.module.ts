import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config.types.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injects the one validated, frozen AppConfig: `constructor(@InjectConfig() config: AppConfig)`. */
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

/** The config is loaded before Nest starts (bad config must stop the process before anything opens). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

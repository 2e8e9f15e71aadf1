import type { LoggerService } from '@nestjs/common';

/** Nest's own start-up chatter (one line per module, controller and route): useful only when debugging. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** A Nest logger (nestjs-pino's, or PinoNestLogger at boot) with the framework's start-up lines moved down to debug. */
export class QuietNestLogger implements LoggerService {
  constructor(private readonly logger: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    if (FRAMEWORK_CONTEXTS.has(String(params[params.length - 1]))) {
      this.logger.debug?.(message, ...params);
    } else {
      this.logger.log(message, ...params);
    }
  }

  error(message: unknown, ...params: unknown[]): void {
    this.logger.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.logger.fatal?.(message, ...params);
  }
}

import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's LoggerService over a plain pino logger, for what Nest writes before the app (and nestjs-pino) exist:
 * start-up failures then reach the configured sink and format instead of Nest's coloured console on stdout.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes `(message, context)`, or `(message, stack, context)` for errors. */
  private write(level: Level, message: unknown, params: unknown[]): void {
    const last = params[params.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else {
      this.logger[level]({ context }, typeof message === 'string' ? message : JSON.stringify(message));
    }
  }
}

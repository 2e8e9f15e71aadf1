import { ArgumentsHost, Catch, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable } from './state-database-down.js';

const RETRY_AFTER_SECONDS = 5;

/** A request that needs the state database while it is down gets 503 with Retry-After, not a 500. */
@Catch()
export class StateDatabaseDownFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Http');

  override catch(error: unknown, host: ArgumentsHost): void {
    if (!isDatabaseUnavailable(error) || host.getType() !== 'http') {
      super.catch(error, host);
      return;
    }
    this.logger.warn(`State database unavailable: ${(error as Error).message}`);
    const response = host.switchToHttp().getResponse<Response>();
    response
      .status(HttpStatus.SERVICE_UNAVAILABLE)
      .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
      .json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'The state database is unavailable; try again shortly',
      });
  }
}

/** API answers are private and live: never cached, never content-sniffed. Pages set their own headers too. */
export function noStoreHeaders(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (!response.hasHeader('Cache-Control') && /^\/(admin|health|metrics)(\/|$|\?)/.test(request.url)) {
    response.setHeader('Cache-Control', 'no-store');
  }
  next();
}

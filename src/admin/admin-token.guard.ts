import {
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';

/**
 * `Authorization: Bearer $ADMIN_TOKEN` on every admin API route. Both sides are hashed first so that
 * timingSafeEqual compares equal-length digests and the time taken says nothing about the token.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@InjectConfig() config: AppConfig) {
    this.expected = config.adminToken === undefined ? undefined : digest(config.adminToken.reveal());
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) {
      throw new ServiceUnavailableException(
        'The admin API is off: set ADMIN_TOKEN (24 characters or more) and restart the daemon',
      );
    }
    const http = context.switchToHttp();
    const presented = bearerToken(http.getRequest<Request>().headers.authorization);
    if (presented === undefined || !timingSafeEqual(digest(presented), this.expected)) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="erp-bitrix24-sync admin"');
      throw new UnauthorizedException(
        presented === undefined
          ? 'Missing admin token: send the header Authorization: Bearer <ADMIN_TOKEN>'
          : 'Wrong admin token',
      );
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

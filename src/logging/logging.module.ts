import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/config.types.js';
import { redactRequestUrl } from './request-url.js';
import { SecretScrubber } from './secret-scrubber.js';

/** Paths pino masks before a line is even serialized (redaction at the source). */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.auth',
  'req.query.access_token',
  'req.query.token',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.access_token',
  '*.refresh_token',
  '*.applicationToken',
  '*.application_token',
];

// Browsers ask for /favicon.ico on every page load; its 404 is not worth a warning each time.
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics', '/favicon.ico']);

@Global()
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, scrubber: SecretScrubber, stream: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: config.log.level,
              redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
              autoLogging: { ignore: (req) => QUIET_ROUTES.has((req.url ?? '').split('?')[0]) },
              customLogLevel: (_req, res, error) =>
                error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
              quietReqLogger: true,
              serializers: {
                req: (req: { method?: string; url?: string; id?: unknown }) => ({
                  id: req.id,
                  method: req.method,
                  url: redactRequestUrl(req.url ?? ''),
                }),
              },
            },
            stream,
          ],
        }),
      ],
      providers: [{ provide: SecretScrubber, useValue: scrubber }],
      exports: [SecretScrubber],
    };
  }
}

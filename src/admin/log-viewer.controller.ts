import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LOG_VIEWER_CSP, LOG_VIEWER_HTML } from './viewer/log-viewer.page.js';

/** The log viewer page. It holds no data and needs no token to load: it asks for the token and calls the API. */
@ApiExcludeController()
@Controller('admin')
export class LogViewerController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', LOG_VIEWER_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return LOG_VIEWER_HTML;
  }
}

import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CONSOLE_ENTRY, loadConsoleAssets, type ConsoleAsset } from './viewer/console-assets.js';
import { LOG_VIEWER_CSP, LOG_VIEWER_HTML } from './viewer/log-viewer.page.js';

const SECURITY_HEADERS = {
  'Content-Security-Policy': LOG_VIEWER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The console page and its static files. They hold no data and need no token: the page asks for it and calls the API. */
@ApiExcludeController()
@Controller('admin')
export class LogViewerController {
  private assets: Map<string, ConsoleAsset> | undefined;

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', LOG_VIEWER_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return LOG_VIEWER_HTML;
  }

  @Get('assets/*path')
  asset(@Param('path') path: string | string[], @Res() response: Response): void {
    this.assets ??= loadConsoleAssets();
    const name = [path].flat().join('/');
    const asset = this.assets.get(name);
    if (asset === undefined) {
      throw new NotFoundException(
        !this.assets.has(CONSOLE_ENTRY)
          ? 'The console page is not built: run npm run build'
          : `No console asset ${name}`,
      );
    }
    response.set({ ...SECURITY_HEADERS, 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache' });
    response.send(asset.body);
  }
}

import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InstallCallbackBody, InstallCallbackQuery } from './bitrix24-install.dto.js';
import { Bitrix24InstallService, type InstallResult } from './bitrix24-install.service.js';

@ApiTags('bitrix24')
@Controller('bitrix24')
export class Bitrix24InstallController {
  constructor(private readonly installs: Bitrix24InstallService) {}

  @Post('install')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Installation callback of the Bitrix24 local app: checks domain and application_token, proves the refresh token, stores the pair',
  })
  install(@Body() body: InstallCallbackBody, @Query() query: InstallCallbackQuery): Promise<InstallResult> {
    return this.installs.install(body, query);
  }
}

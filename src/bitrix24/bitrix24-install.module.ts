import { Module } from '@nestjs/common';
import { Bitrix24Module } from './bitrix24.module.js';
import { Bitrix24InstallController } from './bitrix24-install.controller.js';
import { Bitrix24InstallService } from './bitrix24-install.service.js';

/**
 * The OAuth installation callback (`POST /bitrix24/install`): the daemon's only. Apart from Bitrix24Module so that
 * one-shot CLI commands do not load its HTTP validation and OpenAPI decorators.
 */
@Module({
  imports: [Bitrix24Module],
  controllers: [Bitrix24InstallController],
  providers: [Bitrix24InstallService],
})
export class Bitrix24InstallModule {}

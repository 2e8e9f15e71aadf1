import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ErpHealthIndicator } from './erp.health.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ErpHealthIndicator],
})
export class AdminModule {}

import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { MappingSummaryView } from './admin.responses.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/mappings')
export class AdminMappingsController {
  constructor(private readonly mappings: AdminMappingsService) {}

  /** The configured mappings without secrets, with their last run and next scheduled times. */
  @Get()
  list(): Promise<MappingSummaryView[]> {
    return this.mappings.listMappings();
  }
}

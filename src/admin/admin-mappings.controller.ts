import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { MappingSummaryView } from './admin.responses.js';
import { AdminMappingsService } from './admin-mappings.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { MappingSummarySchema } from './openapi.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/mappings')
export class AdminMappingsController {
  constructor(private readonly mappings: AdminMappingsService) {}

  /** The configured mappings without secrets, with their last run and next scheduled times. */
  @Get()
  @ApiOkResponse({ type: [MappingSummarySchema] })
  list(): Promise<MappingSummaryView[]> {
    return this.mappings.listMappings();
  }
}

import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RecordTimelineView } from './admin.responses.js';
import { AdminRecordsService } from './admin-records.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { RecordParams } from './dto/record.params.js';
import { RecordTimelineSchema } from './openapi.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/records')
export class AdminRecordsController {
  constructor(private readonly records: AdminRecordsService) {}

  /** One ERP row's timeline: its link to the deal and every operation that touched it, newest first. */
  @Get(':mapping/:key')
  @ApiOkResponse({ type: RecordTimelineSchema })
  timeline(@Param() params: RecordParams): Promise<RecordTimelineView> {
    return this.records.recordTimeline(params.mapping, params.key);
  }
}

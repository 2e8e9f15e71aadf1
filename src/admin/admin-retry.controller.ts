import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AttentionRetryView } from './admin.responses.js';
import { AdminRetryService } from './admin-retry.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AttentionGroupQuery } from './dto/attention.query.js';
import { RecordParams } from './dto/record.params.js';
import { AttentionRetrySchema } from './openapi.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminRetryController {
  constructor(private readonly retries: AdminRetryService) {}

  /** Releases one attention group's rows (parked ones too) and queues one run for exactly those ERP keys. */
  @Post('attention/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AttentionRetrySchema })
  retryGroup(@Body() body: AttentionGroupQuery): Promise<AttentionRetryView> {
    return this.retries.retryGroup(body);
  }

  /** Releases one failed or parked record and queues a run for it now. */
  @Post('records/:mapping/:key/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AttentionRetrySchema })
  retryRecord(@Param() params: RecordParams): Promise<AttentionRetryView> {
    return this.retries.retryRecord(params.mapping, params.key);
  }
}

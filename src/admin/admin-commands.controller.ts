import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CancelAcceptedView, RunAcceptedView } from './admin.responses.js';
import { AdminCommandsService } from './admin-commands.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ResyncBody } from './dto/resync.body.js';
import { RunIdParams } from './dto/run-id.params.js';
import { CancelAcceptedSchema, RunAcceptedSchema } from './openapi.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminCommandsController {
  constructor(private readonly commands: AdminCommandsService) {}

  /** Queues a run of one mapping (optionally only some ERP keys, optionally dry); answers its id. */
  @Post('resync')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: RunAcceptedSchema })
  resync(@Body() body: ResyncBody): Promise<RunAcceptedView> {
    return this.commands.resync(body);
  }

  /** Asks a queued or running run to stop; 409 when it has already finished. */
  @Post('runs/:id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: CancelAcceptedSchema })
  cancel(@Param() params: RunIdParams): Promise<CancelAcceptedView> {
    return this.commands.cancel(params.id);
  }

  /** Queues the run's failed and parked operations again as a new run; answers that run's id. */
  @Post('runs/:id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: RunAcceptedSchema })
  retry(@Param() params: RunIdParams): Promise<RunAcceptedView> {
    return this.commands.retry(params.id);
  }
}

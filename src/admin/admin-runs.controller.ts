import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { OperationView, PageView, RunDetailView, RunView } from './admin.responses.js';
import { AdminRunsService } from './admin-runs.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ListOperationsQuery } from './dto/list-operations.query.js';
import { ListRunsQuery } from './dto/list-runs.query.js';
import { RunIdParams } from './dto/run-id.params.js';
import { OperationPageSchema, RunDetailSchema, RunPageSchema } from './openapi.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/runs')
export class AdminRunsController {
  constructor(private readonly runs: AdminRunsService) {}

  /** Runs, newest first, with filters and keyset pagination. */
  @Get()
  @ApiOkResponse({ type: RunPageSchema })
  list(@Query() query: ListRunsQuery): Promise<PageView<RunView>> {
    return this.runs.listRuns(query);
  }

  /** One run with its counters and progress (rate and ETA while running). */
  @Get(':id')
  @ApiOkResponse({ type: RunDetailSchema })
  get(@Param() params: RunIdParams): Promise<RunDetailView> {
    return this.runs.getRun(params.id);
  }

  /** A run's operations in planning order, with field changes and errors. */
  @Get(':id/operations')
  @ApiOkResponse({ type: OperationPageSchema })
  operations(
    @Param() params: RunIdParams,
    @Query() query: ListOperationsQuery,
  ): Promise<PageView<OperationView>> {
    return this.runs.listOperations(params.id, query);
  }
}

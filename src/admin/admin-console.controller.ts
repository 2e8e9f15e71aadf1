import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AttentionView, ConsoleMetaView, HealthOverviewView, SearchHitView } from './admin.responses.js';
import { AdminAttentionService } from './admin-attention.service.js';
import { AdminConsoleService } from './admin-console.service.js';
import { AdminOverviewService } from './admin-overview.service.js';
import { AdminRecordsService } from './admin-records.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AttentionGroupQuery, AttentionQuery, SearchQuery } from './dto/attention.query.js';
import {
  AttentionSchema,
  ConsoleMetaSchema,
  HealthOverviewSchema,
  SearchHitSchema,
} from './openapi.schemas.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminConsoleController {
  constructor(
    private readonly meta: AdminConsoleService,
    private readonly overviews: AdminOverviewService,
    private readonly attentionRows: AdminAttentionService,
    private readonly records: AdminRecordsService,
  ) {}

  /** The server's enum values, version and portal origin, for the console page. */
  @Get('console')
  @ApiOkResponse({ type: ConsoleMetaSchema })
  console(): ConsoleMetaView {
    return this.meta.describe();
  }

  /** Each mapping's health: last success, freshness (as /metrics), rows needing attention, next and recent runs. */
  @Get('overview')
  @ApiOkResponse({ type: HealthOverviewSchema })
  overview(): Promise<HealthOverviewView> {
    return this.overviews.overview();
  }

  /** Rows failed or parked now (not per run), grouped by mapping and normalised error. */
  @Get('attention')
  @ApiOkResponse({ type: AttentionSchema })
  attention(@Query() query: AttentionQuery): Promise<AttentionView> {
    return this.attentionRows.attention(query);
  }

  /** One attention group's rows as CSV. */
  @Get('attention/export')
  @ApiOkResponse({
    description:
      'One row per ERP key: mapping, erp_key, deal_id, state, failed_attempts, next_retry_at, last_failed_at, error',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="attention.csv"')
  exportCsv(@Query() query: AttentionGroupQuery): Promise<string> {
    return this.attentionRows.exportCsv(query);
  }

  /** Records by ERP key or Bitrix24 deal id, across the configured mappings. */
  @Get('search')
  @ApiOkResponse({ type: [SearchHitSchema] })
  search(@Query() query: SearchQuery): Promise<SearchHitView[]> {
    return this.records.search(query.q.trim());
  }
}

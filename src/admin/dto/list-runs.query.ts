import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsISO8601, IsOptional, Matches } from 'class-validator';
import { RunStatus, RunTrigger } from '../../persistence/entities/sync-run.entity.js';
import { PaginationQuery } from './pagination.query.js';
import { MAPPING_NAME, MAPPING_NAME_MESSAGE, toList } from './query-transforms.js';

export class ListRunsQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: 'Only runs of this mapping' })
  @IsOptional()
  @Matches(MAPPING_NAME, { message: MAPPING_NAME_MESSAGE })
  mapping?: string;

  @ApiPropertyOptional({ enum: RunStatus, isArray: true, description: 'One or more, comma-separated' })
  @IsOptional()
  @Transform(toList)
  @IsEnum(RunStatus, { each: true })
  status?: RunStatus[];

  @ApiPropertyOptional({ enum: RunTrigger, isArray: true, description: 'One or more, comma-separated' })
  @IsOptional()
  @Transform(toList)
  @IsEnum(RunTrigger, { each: true })
  trigger?: RunTrigger[];

  @ApiPropertyOptional({ description: 'Runs created at or after this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time like 2026-01-31T12:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Runs created before this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time like 2026-01-31T12:00:00Z' })
  to?: string;
}

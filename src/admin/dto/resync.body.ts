import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { RunMode } from '../../persistence/entities/sync-run.entity.js';
import { MAPPING_NAME, MAPPING_NAME_MESSAGE } from './query-transforms.js';

export const MAX_RESYNC_KEYS = 10_000;

export class ResyncBody {
  @ApiProperty({ example: 'odoo-orders' })
  @Matches(MAPPING_NAME, { message: MAPPING_NAME_MESSAGE })
  mapping!: string;

  @ApiPropertyOptional({ enum: RunMode, default: RunMode.Incremental })
  @IsOptional()
  @IsEnum(RunMode)
  mode: RunMode = RunMode.Incremental;

  @ApiPropertyOptional({ type: [String], description: 'Only these ERP keys (composite keys joined with |)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RESYNC_KEYS)
  @IsString({ each: true })
  @Length(1, 1000, { each: true })
  erpKeys?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Plan and log the changes without writing to Bitrix24',
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'Who asked, for the run log', default: 'admin-api' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  requestedBy?: string;
}

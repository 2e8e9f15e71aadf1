import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAPPING_NAME, MAPPING_NAME_MESSAGE } from './query-transforms.js';

const SINCE_MESSAGE = 'since must be an ISO 8601 time like 2026-01-31T12:00:00Z';

export class AttentionQuery {
  @ApiPropertyOptional({ description: 'Only rows of this mapping' })
  @IsOptional()
  @Matches(MAPPING_NAME, { message: MAPPING_NAME_MESSAGE })
  mapping?: string;

  @ApiPropertyOptional({ description: 'Only errors containing this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  error?: string;

  @ApiPropertyOptional({ description: 'Only rows whose last failure is at or after this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: SINCE_MESSAGE })
  since?: string;
}

/** One attention group: a mapping and the normalised error the attention view answered. */
export class AttentionGroupQuery {
  @ApiProperty({ example: 'odoo-orders' })
  @Matches(MAPPING_NAME, { message: MAPPING_NAME_MESSAGE })
  mapping!: string;

  @ApiProperty({ description: "The group's fingerprint, as GET /admin/attention answered it" })
  @IsString()
  @Length(0, 300)
  fingerprint!: string;

  @ApiPropertyOptional({ description: 'Only rows whose last failure is at or after this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: SINCE_MESSAGE })
  since?: string;
}

export class SearchQuery {
  @ApiProperty({ description: 'An ERP key (composite keys joined with |) or a Bitrix24 deal id' })
  @IsString()
  @Length(1, 1000)
  q!: string;
}

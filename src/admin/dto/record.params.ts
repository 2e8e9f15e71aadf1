import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { MAPPING_NAME, MAPPING_NAME_MESSAGE } from './query-transforms.js';

export class RecordParams {
  @ApiProperty({ description: 'Mapping name', example: 'odoo-orders' })
  @Matches(MAPPING_NAME, { message: MAPPING_NAME_MESSAGE })
  mapping!: string;

  @ApiProperty({ description: 'ERP key, URL-encoded (composite keys joined with |)', example: '42' })
  @IsString()
  @Length(1, 1000)
  key!: string;
}

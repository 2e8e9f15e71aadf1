import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, IsString, Length } from 'class-validator';
import { OperationAction, OperationStatus } from '../../persistence/entities/sync-operation.entity.js';
import { PaginationQuery } from './pagination.query.js';
import { toList } from './query-transforms.js';

export class ListOperationsQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: OperationStatus, isArray: true, description: 'One or more, comma-separated' })
  @IsOptional()
  @Transform(toList)
  @IsEnum(OperationStatus, { each: true })
  status?: OperationStatus[];

  @ApiPropertyOptional({ enum: OperationAction, isArray: true, description: 'One or more, comma-separated' })
  @IsOptional()
  @Transform(toList)
  @IsEnum(OperationAction, { each: true })
  action?: OperationAction[];

  @ApiPropertyOptional({ description: 'Exactly this ERP key (composite keys joined with |)' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  key?: string;
}

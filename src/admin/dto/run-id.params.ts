import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { toStrictInt } from './query-transforms.js';

export class RunIdParams {
  @ApiProperty({ description: 'Run id', example: 42 })
  @Transform(toStrictInt)
  @IsInt({ message: 'id must be a run id (a positive whole number)' })
  @Min(1)
  @Max(2_147_483_647)
  id!: number;
}

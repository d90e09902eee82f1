import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PETITION_STATUS_LABELS } from '@fengqiao/petitions-domain';

export const LISTED_STATUSES = Object.keys(PETITION_STATUS_LABELS).filter((s) => s !== 'none');

export class ListPetitionsQuery {
  @ApiPropertyOptional({ enum: LISTED_STATUSES })
  @IsOptional()
  @IsIn(LISTED_STATUSES)
  status?: string;

  @ApiPropertyOptional({
    enum: ['all', 'near_due', 'overdue', 'repeat', 'group_visit', 'supervised'],
    description: '临期（3 日内）、超期、重复信访、集体访、督办',
  })
  @IsOptional()
  @IsIn(['all', 'near_due', 'overdue', 'repeat', 'group_visit', 'supervised'])
  view?: 'all' | 'near_due' | 'overdue' | 'repeat' | 'group_visit' | 'supervised';

  @ApiPropertyOptional({ description: '每页条数', default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: '跳过条数', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  skip?: number;
}

export class ClocksQuery {
  @ApiPropertyOptional({ description: '临期天数', default: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30)
  within?: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RECEPTION_POINT_KINDS, ReceptionPointKind } from '../read-models/reception-views';

export class DefineReceptionPointRequest {
  @ApiProperty({ description: '接访点名称，如“枫源社区家门口信访接待点”' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: RECEPTION_POINT_KINDS, description: '村居、街镇或区级中心' })
  @IsIn(RECEPTION_POINT_KINDS)
  kind!: ReceptionPointKind;

  @ApiProperty({ description: '所在单位（村居、街镇或区）' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  unitId!: string;

  @ApiProperty({ description: '地址' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  address!: string;

  @ApiPropertyOptional({ description: '接待时间，如“工作日 8:30-17:00”' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  openHours?: string;
}

export class ScheduleReceptionDayRequest {
  @ApiProperty({ description: '接访点' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  pointId!: string;

  @ApiProperty({ description: '日期 YYYY-MM-DD' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)
  date!: string;

  @ApiProperty({ description: '开始时间 HH:mm' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/)
  startTime!: string;

  @ApiProperty({ description: '结束时间 HH:mm' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/)
  endTime!: string;

  @ApiProperty({ description: '接访领导姓名（公职人员，公开）' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  leaderName!: string;

  @ApiProperty({ description: '职务' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  leaderTitle!: string;
}

export class ScheduleQuery {
  @ApiPropertyOptional({ description: '从此日期起（默认今天）' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from?: string;

  @ApiPropertyOptional({ description: '天数', default: 30 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
}

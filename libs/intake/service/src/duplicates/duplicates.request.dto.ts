import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

export class DuplicatesQuery {
  @ApiPropertyOptional({ description: '半径（米），默认按类别配置', maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '半径须为数字' })
  @Min(1, { message: '半径须在 1 到 5000 米之间' })
  @Max(5000, { message: '半径须在 1 到 5000 米之间' })
  radiusMetres?: number;

  @ApiPropertyOptional({ description: '时间窗（小时，前后），默认按类别配置', maximum: 720 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '时间窗须为数字' })
  @Min(1, { message: '时间窗须在 1 到 720 小时之间' })
  @Max(720, { message: '时间窗须在 1 到 720 小时之间' })
  windowHours?: number;

  @ApiPropertyOptional({ description: '最多几条建议', default: 5, maximum: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '条数须为 1 到 20 的整数' })
  @Min(1, { message: '条数须为 1 到 20 的整数' })
  @Max(20, { message: '条数须为 1 到 20 的整数' })
  limit?: number;
}

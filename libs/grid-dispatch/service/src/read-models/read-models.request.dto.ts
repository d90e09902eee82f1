import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ESCALATION_LEVELS, URGENCIES } from '@fengqiao/grid-dispatch-domain';
import { QUEUE_KINDS } from './grid-case-view.projection';

export class PageQuery {
  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '页码必须是正整数' })
  @Min(1, { message: '页码必须是正整数' })
  @Max(100_000, { message: '页码过大' })
  page?: number;

  @ApiPropertyOptional({ default: 20, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '每页条数必须是 1 至 200 的整数' })
  @Min(1, { message: '每页条数必须是 1 至 200 的整数' })
  @Max(200, { message: '每页条数必须是 1 至 200 的整数' })
  pageSize?: number;
}

const STATUS_LIST = /^[a-z_]+(,[a-z_]+)*$/;

export class BoardQuery extends PageQuery {
  @ApiPropertyOptional({ description: '状态，可用逗号分隔多个，如 dispatched,in_progress' })
  @IsOptional()
  @IsString({ message: '状态必须是文字' })
  @Matches(STATUS_LIST, { message: '状态格式无效，应为逗号分隔的状态代码' })
  @MaxLength(300, { message: '状态过长' })
  status?: string;

  @ApiPropertyOptional({ description: '事件类别' })
  @IsOptional()
  @IsString({ message: '事件类别必须是文字' })
  @MaxLength(100, { message: '事件类别过长' })
  category?: string;

  @ApiPropertyOptional({ description: '网格编号' })
  @IsOptional()
  @IsString({ message: '网格编号必须是文字' })
  @MaxLength(128, { message: '网格编号过长' })
  gridId?: string;

  @ApiPropertyOptional({ description: '承办单位编号' })
  @IsOptional()
  @IsString({ message: '单位编号必须是文字' })
  @MaxLength(128, { message: '单位编号过长' })
  unitId?: string;

  @ApiPropertyOptional({ enum: URGENCIES })
  @IsOptional()
  @IsIn(URGENCIES, { message: '紧急程度只能是 normal、urgent 或 very_urgent' })
  urgency?: (typeof URGENCIES)[number];

  @ApiPropertyOptional({ enum: ESCALATION_LEVELS, description: '当前层级（村居 / 街镇 / 区）' })
  @IsOptional()
  @IsIn(ESCALATION_LEVELS, { message: '层级只能是 village、town 或 district' })
  level?: (typeof ESCALATION_LEVELS)[number];

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true：只看已超期（当前环节期限已过）；false：只看未超期' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue 只能是 true 或 false' })
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['recent', 'due'], description: 'recent：最近变化在前（默认）；due：期限最近的在前' })
  @IsOptional()
  @IsIn(['recent', 'due'], { message: '排序只能是 recent 或 due' })
  sort?: 'recent' | 'due';
}

const KINDS = Object.keys(QUEUE_KINDS) as (keyof typeof QUEUE_KINDS)[];

export class QueueQuery extends PageQuery {
  @ApiPropertyOptional({ enum: [...KINDS, 'supervision'], description: '只看某一类待办' })
  @IsOptional()
  @IsIn([...KINDS, 'supervision'], { message: `待办类型只能是 ${[...KINDS, 'supervision'].join('、')} 之一` })
  kind?: (typeof KINDS)[number] | 'supervision';
}

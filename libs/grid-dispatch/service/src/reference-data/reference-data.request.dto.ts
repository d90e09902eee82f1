import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { GRID_CASE_STEPS, URGENCIES } from '@fengqiao/grid-dispatch-domain';
import { MAX_DEADLINE_RULES } from './deadline-rule-table';
import { MAX_ROUTING_RULES } from './routing-rules';

const ID_MAX = 128;

export class RoutingScopeRequest {
  @ApiPropertyOptional({ description: '网格编号' })
  @IsOptional()
  @IsString({ message: '网格编号必须是文字' })
  @IsNotEmpty({ message: '网格编号不能为空' })
  @MaxLength(ID_MAX, { message: '网格编号过长' })
  gridId?: string;

  @ApiPropertyOptional({ description: '村居编号' })
  @IsOptional()
  @IsString({ message: '村居编号必须是文字' })
  @IsNotEmpty({ message: '村居编号不能为空' })
  @MaxLength(ID_MAX, { message: '村居编号过长' })
  villageId?: string;

  @ApiPropertyOptional({ description: '街镇编号' })
  @IsOptional()
  @IsString({ message: '街镇编号必须是文字' })
  @IsNotEmpty({ message: '街镇编号不能为空' })
  @MaxLength(ID_MAX, { message: '街镇编号过长' })
  townId?: string;
}

export class RoutingRuleRequest {
  @ApiProperty({ description: '事件类别' })
  @IsString({ message: '请填写事件类别' })
  @IsNotEmpty({ message: '请填写事件类别' })
  @MaxLength(100, { message: '事件类别过长' })
  category!: string;

  @ApiProperty({ type: RoutingScopeRequest, description: '适用范围：网格、村居、街镇之一；空对象表示全区' })
  @IsDefined({ message: '请填写适用范围（全区填 {}）' })
  @IsObject({ message: '适用范围必须是对象' })
  @ValidateNested()
  @Type(() => RoutingScopeRequest)
  scope!: RoutingScopeRequest;

  @ApiProperty({ description: '承办单位编号' })
  @IsString({ message: '请填写承办单位' })
  @IsNotEmpty({ message: '请填写承办单位' })
  @MaxLength(ID_MAX, { message: '单位编号过长' })
  unitId!: string;
}

export class PublishRoutingRulesRequest {
  @ApiProperty({ type: [RoutingRuleRequest] })
  @IsArray({ message: '派单规则必须是列表' })
  @ArrayMaxSize(MAX_ROUTING_RULES, { message: `派单规则不能超过 ${MAX_ROUTING_RULES} 条` })
  @ValidateNested({ each: true })
  @Type(() => RoutingRuleRequest)
  rules!: RoutingRuleRequest[];

  @ApiPropertyOptional({ description: 'true：明知新版本会使某些“类别 × 网格”无法自动派单，仍然发布（这些事件进入“无法派单”队列）' })
  @IsOptional()
  @IsBoolean()
  allowUnroutable?: boolean;

  @ApiPropertyOptional({ description: '本版说明' })
  @IsOptional()
  @IsString({ message: '说明必须是文字' })
  @MaxLength(500, { message: '说明不能超过 500 字' })
  note?: string;
}

const UNITS = ['calendar_days', 'working_days', 'working_hours'] as const;
const KEYS = [...GRID_CASE_STEPS, 'extension'] as const;

export class DeadlineRuleRequest {
  @ApiProperty({ description: '规则编号，如 grid-case.handle.jinan' })
  @IsString({ message: '请填写规则编号' })
  @IsNotEmpty({ message: '请填写规则编号' })
  @MaxLength(ID_MAX, { message: '规则编号过长' })
  ruleId!: string;

  @ApiPropertyOptional({ description: '依据，如 济南市12345热线条例§x（地方规定请注明辖区）' })
  @IsOptional()
  @IsString({ message: '依据必须是文字' })
  @MaxLength(200, { message: '依据过长' })
  legalBasis?: string;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '时长必须是数字' })
  @IsPositive({ message: '时长必须大于 0' })
  duration!: number;

  @ApiProperty({ enum: UNITS })
  @IsIn(UNITS, { message: '时长单位只能是 calendar_days、working_days 或 working_hours' })
  unit!: (typeof UNITS)[number];

  @ApiPropertyOptional({ description: '提前多少（同一单位）预警' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '预警提前量必须是数字' })
  @IsPositive({ message: '预警提前量必须大于 0' })
  warnBefore?: number;
}

export class DeadlineRuleEntryRequest {
  @ApiProperty({ enum: KEYS })
  @IsIn(KEYS, { message: `环节只能是 ${KEYS.join('、')} 之一` })
  step!: (typeof KEYS)[number];

  @ApiPropertyOptional({ description: '事件类别（不填：所有类别）' })
  @IsOptional()
  @IsString({ message: '事件类别必须是文字' })
  @IsNotEmpty({ message: '事件类别不能为空' })
  @MaxLength(100, { message: '事件类别过长' })
  category?: string;

  @ApiPropertyOptional({ enum: URGENCIES, description: '紧急程度（不填：所有紧急程度）' })
  @IsOptional()
  @IsIn(URGENCIES, { message: '紧急程度只能是 normal、urgent 或 very_urgent' })
  urgency?: (typeof URGENCIES)[number];

  @ApiProperty({ type: DeadlineRuleRequest })
  @IsDefined({ message: '请填写期限规则' })
  @IsObject({ message: '期限规则必须是对象' })
  @ValidateNested()
  @Type(() => DeadlineRuleRequest)
  rule!: DeadlineRuleRequest;
}

export class PublishDeadlineRulesRequest {
  @ApiProperty({ type: [DeadlineRuleEntryRequest] })
  @IsArray({ message: '期限配置必须是列表' })
  @ArrayMaxSize(MAX_DEADLINE_RULES, { message: `期限配置不能超过 ${MAX_DEADLINE_RULES} 条` })
  @ValidateNested({ each: true })
  @Type(() => DeadlineRuleEntryRequest)
  rules!: DeadlineRuleEntryRequest[];

  @ApiPropertyOptional({ description: '本版说明' })
  @IsOptional()
  @IsString({ message: '说明必须是文字' })
  @MaxLength(500, { message: '说明不能超过 500 字' })
  note?: string;
}

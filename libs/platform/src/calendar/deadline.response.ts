import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Deadline, DeadlineUnit } from '@fengqiao/kernel';
import { enumOf } from '../bootstrap/openapi-schema';

const DEADLINE_UNITS = enumOf<DeadlineUnit>({ calendar_days: true, working_days: true, working_hours: true });

/** A legal deadline as recorded on the event that started it (`Deadline` of `@fengqiao/kernel`), as the OpenAPI document describes it. */
export class DeadlineResponse implements Deadline {
  @ApiProperty({ description: '期限规则编号' }) ruleId!: string;
  @ApiPropertyOptional({ description: '法律依据' }) legalBasis?: string;
  @ApiProperty({ description: '期限长度（按 unit 计）' }) duration!: number;
  @ApiProperty({ enum: DEADLINE_UNITS }) unit!: DeadlineUnit;
  @ApiProperty({ description: '起算时间 (ISO instant)' }) startAt!: string;
  @ApiProperty({ description: '届满时间 (ISO instant)' }) dueAt!: string;
  @ApiPropertyOptional({ description: '预警时间（规则有预警时）' }) warnAt?: string;
  @ApiProperty() calendarId!: string;
  @ApiProperty({ description: '计算所用日历数据的版本' }) calendarVersion!: string;
  @ApiPropertyOptional({ type: Boolean, description: '按尚未公布放假安排的年份暂定计算（只在为 true 时出现）' }) provisional?: true;
  @ApiPropertyOptional({ type: 'integer', isArray: true, description: '暂定计算的年份' }) provisionalYears?: number[];
  @ApiPropertyOptional({ description: '最后一日 YYYY-MM-DD（按日计算时）' }) lastDay?: string;
  @ApiPropertyOptional({ description: '因节假日顺延前的最后一日' }) shiftedFrom?: string;
}

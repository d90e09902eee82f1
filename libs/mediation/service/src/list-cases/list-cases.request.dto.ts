import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MEDIATION_STATUS_LABELS } from '@fengqiao/mediation-domain';

export const DESK_QUEUES = ['waiting_consent', 'session_this_week', 'agreement_without_performance', 'confirmation_due_soon', 'overdue'] as const;
export type DeskQueue = (typeof DESK_QUEUES)[number];
/** Every status a registered case can have. */
export const CASE_STATUSES = Object.keys(MEDIATION_STATUS_LABELS).filter((s) => s !== 'none');

/** The committee's desk: my cases or my committee's, by state or by queue. */
export class ListCasesRequest {
  @ApiPropertyOptional({ enum: ['mine', 'committee'], description: '我的案件（我是调解员），或本委员会（管辖范围内）的全部案件；默认 committee' })
  @IsOptional()
  @IsIn(['mine', 'committee'])
  scope?: 'mine' | 'committee';

  @ApiPropertyOptional({ enum: CASE_STATUSES, description: '案件状态' })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: string;

  @ApiPropertyOptional({
    enum: DESK_QUEUES,
    description: '待当事人同意；本周有调解；协议已生效未记录履行；司法确认申请期限五日内届满；调解期限已超',
  })
  @IsOptional()
  @IsIn(DESK_QUEUES)
  queue?: DeskQueue;

  @ApiPropertyOptional({ description: '移交本案的网格事件编号', maxLength: 80 })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  gridCaseId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  skip?: number;
}

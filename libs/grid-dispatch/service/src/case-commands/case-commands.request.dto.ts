import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/**
 * Request bodies of the work-order commands (`POST /grid-dispatch/cases/:caseId/<command>`).
 * Field checks here (400 with the field and a Chinese message); business rules stay in the decider.
 */
const TEXT_MAX = 4000;
const REASON_MAX = 2000;
const DEADLINE_UNITS = ['calendar_days', 'working_days', 'working_hours'] as const;

/** Commands whose reason is optional. */
export class OptionalReasonRequest {
  @ApiPropertyOptional({ description: '理由或说明' })
  @IsOptional()
  @IsString({ message: '理由必须是文字' })
  @MaxLength(REASON_MAX, { message: `理由不能超过 ${REASON_MAX} 字` })
  reason?: string;
}

/** Commands that must be justified (objection, rulings, suspension, reopening, referral, escalation). */
export class RequiredReasonRequest {
  @ApiProperty({ description: '理由或意见（必填）' })
  @IsString({ message: '请填写理由' })
  @IsNotEmpty({ message: '请填写理由' })
  @MaxLength(REASON_MAX, { message: `理由不能超过 ${REASON_MAX} 字` })
  reason!: string;
}

export class AttachmentRequest {
  @ApiProperty({ description: '附件引用（文件服务中的编号或地址）' })
  @IsString({ message: '附件引用必须是文字' })
  @IsNotEmpty({ message: '附件引用不能为空' })
  @MaxLength(500, { message: '附件引用过长' })
  ref!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: '附件类型必须是文字' })
  @MaxLength(100, { message: '附件类型过长' })
  mediaType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: '附件名称必须是文字' })
  @MaxLength(200, { message: '附件名称过长' })
  name?: string;
}

export class DispatchRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '承办单位编号' })
  @IsString({ message: '请选择承办单位' })
  @IsNotEmpty({ message: '请选择承办单位' })
  @MaxLength(128, { message: '单位编号过长' })
  unitId!: string;
}

export class AcceptRequest extends OptionalReasonRequest {}
export class ObjectRequest extends RequiredReasonRequest {}

export class RuleObjectionRequest extends RequiredReasonRequest {
  @ApiProperty({ enum: ['upheld', 'rejected'], description: 'upheld：退单成立，改派；rejected：退单不成立，仍由原单位办理' })
  @IsIn(['upheld', 'rejected'], { message: '裁定结果只能是 upheld（退单成立）或 rejected（退单不成立）' })
  decision!: 'upheld' | 'rejected';

  @ApiPropertyOptional({ description: '退单成立时改派的单位' })
  @ValidateIf((o: RuleObjectionRequest) => o.decision === 'upheld' || o.newUnitId !== undefined)
  @IsString({ message: '退单成立时请指定新的承办单位' })
  @IsNotEmpty({ message: '退单成立时请指定新的承办单位' })
  @MaxLength(128, { message: '单位编号过长' })
  newUnitId?: string;
}

export class ProgressRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '办理进展' })
  @IsString({ message: '请填写办理进展' })
  @IsNotEmpty({ message: '请填写办理进展' })
  @MaxLength(TEXT_MAX, { message: `办理进展不能超过 ${TEXT_MAX} 字` })
  note!: string;

  @ApiPropertyOptional({ type: [AttachmentRequest] })
  @IsOptional()
  @IsArray({ message: '附件必须是列表' })
  @ArrayMaxSize(20, { message: '附件不能超过 20 个' })
  @ValidateNested({ each: true })
  @Type(() => AttachmentRequest)
  attachments?: AttachmentRequest[];
}

export class RequestExtensionRequest extends RequiredReasonRequest {
  @ApiProperty({ description: '延期时长' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '延期时长必须是数字' })
  @IsPositive({ message: '延期时长必须大于 0' })
  @Max(365, { message: '延期时长不能超过 365' })
  duration!: number;

  @ApiProperty({ enum: DEADLINE_UNITS })
  @IsIn(DEADLINE_UNITS, { message: '延期单位只能是 calendar_days（自然日）、working_days（工作日）或 working_hours（工作小时）' })
  unit!: (typeof DEADLINE_UNITS)[number];
}

export class RuleExtensionRequest extends RequiredReasonRequest {
  @ApiProperty({ enum: ['granted', 'denied'] })
  @IsIn(['granted', 'denied'], { message: '审批结果只能是 granted（同意）或 denied（不同意）' })
  decision!: 'granted' | 'denied';

  @ApiPropertyOptional({ description: '批准的延期时长（默认按申请）' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '延期时长必须是数字' })
  @IsPositive({ message: '延期时长必须大于 0' })
  @Max(365, { message: '延期时长不能超过 365' })
  duration?: number;

  @ApiPropertyOptional({ enum: DEADLINE_UNITS })
  @IsOptional()
  @IsIn(DEADLINE_UNITS, { message: '延期单位只能是 calendar_days（自然日）、working_days（工作日）或 working_hours（工作小时）' })
  unit?: (typeof DEADLINE_UNITS)[number];
}

export class SuspendRequest extends RequiredReasonRequest {}
export class ResumeRequest extends OptionalReasonRequest {}

export class FeedbackRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '办理结果' })
  @IsString({ message: '请填写办理结果' })
  @IsNotEmpty({ message: '请填写办理结果' })
  @MaxLength(TEXT_MAX, { message: `办理结果不能超过 ${TEXT_MAX} 字` })
  result!: string;

  @ApiPropertyOptional({ type: [AttachmentRequest] })
  @IsOptional()
  @IsArray({ message: '附件必须是列表' })
  @ArrayMaxSize(20, { message: '附件不能超过 20 个' })
  @ValidateNested({ each: true })
  @Type(() => AttachmentRequest)
  attachments?: AttachmentRequest[];
}

export class VerifyRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: ['pass', 'fail'], description: 'pass：核查通过；fail：核查不通过，返工' })
  @IsIn(['pass', 'fail'], { message: '核查结果只能是 pass（通过）或 fail（不通过，返工）' })
  result!: 'pass' | 'fail';

  @ApiProperty({ description: '核查情况' })
  @IsString({ message: '请填写核查情况' })
  @IsNotEmpty({ message: '请填写核查情况' })
  @MaxLength(TEXT_MAX, { message: `核查情况不能超过 ${TEXT_MAX} 字` })
  findings!: string;
}

export class CloseRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '结案意见' })
  @IsString({ message: '请填写结案意见' })
  @IsNotEmpty({ message: '请填写结案意见' })
  @MaxLength(TEXT_MAX, { message: `结案意见不能超过 ${TEXT_MAX} 字` })
  summary!: string;
}

export class CallbackRequest extends OptionalReasonRequest {
  @ApiProperty({ minimum: 1, maximum: 5, description: '评价（1–5）' })
  @IsInt({ message: '评价必须是 1 至 5 的整数' })
  @Min(1, { message: '评价必须是 1 至 5 的整数' })
  @Max(5, { message: '评价必须是 1 至 5 的整数' })
  rating!: number;

  @ApiProperty({ description: '是否满意' })
  @IsBoolean({ message: '请记录是否满意（true 或 false）' })
  satisfied!: boolean;

  @ApiPropertyOptional({ description: '回访记录' })
  @IsOptional()
  @IsString({ message: '回访记录必须是文字' })
  @MaxLength(TEXT_MAX, { message: `回访记录不能超过 ${TEXT_MAX} 字` })
  comment?: string;
}

export class ArchiveRequest extends OptionalReasonRequest {}
export class ReopenRequest extends RequiredReasonRequest {}

export class MergeRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '重复的是哪一个事件（事件编号）' })
  @IsString({ message: '请指定重复的事件' })
  @IsNotEmpty({ message: '请指定重复的事件' })
  @MaxLength(128, { message: '事件编号过长' })
  duplicateOf!: string;
}

export class ReferRequest extends RequiredReasonRequest {
  @ApiProperty({ enum: ['mediation', 'petitions'], description: 'mediation：转人民调解；petitions：转信访' })
  @IsIn(['mediation', 'petitions'], { message: '移交去向只能是 mediation（人民调解）或 petitions（信访）' })
  target!: 'mediation' | 'petitions';
}

export class SuperviseRequest {
  @ApiProperty({ description: '督办意见' })
  @IsString({ message: '请填写督办意见' })
  @IsNotEmpty({ message: '请填写督办意见' })
  @MaxLength(REASON_MAX, { message: `督办意见不能超过 ${REASON_MAX} 字` })
  opinion!: string;
}

export class AnswerSupervisionRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '督办编号' })
  @IsString({ message: '请指定督办编号' })
  @IsNotEmpty({ message: '请指定督办编号' })
  @MaxLength(128, { message: '督办编号过长' })
  supervisionId!: string;

  @ApiProperty({ description: '督办答复' })
  @IsString({ message: '请填写督办答复' })
  @IsNotEmpty({ message: '请填写督办答复' })
  @MaxLength(TEXT_MAX, { message: `督办答复不能超过 ${TEXT_MAX} 字` })
  answer!: string;
}

export class EscalateRequest extends RequiredReasonRequest {}

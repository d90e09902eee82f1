import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsPositive, Max } from 'class-validator';
import { RequiredReasonRequest } from '@fengqiao/platform';
import { DEADLINE_UNITS } from '../request-extension/request-extension.request.dto';

export class RuleOnExtensionRequest extends RequiredReasonRequest {
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

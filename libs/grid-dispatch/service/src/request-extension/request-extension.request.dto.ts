import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNumber, IsPositive, Max } from 'class-validator';
import { RequiredReasonRequest } from '@fengqiao/platform';

export const DEADLINE_UNITS = ['calendar_days', 'working_days', 'working_hours'] as const;

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

import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 记录司法确认结果 */
export class RecordJudicialConfirmationDecisionRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '是否确认有效' })
  @IsBoolean()
  confirmed!: boolean;

  @ApiProperty({ description: '裁定时间（ISO-8601，带时区）', example: '2025-03-03T09:00:00+08:00' })
  @IsISO8601({ strict: true })
  decidedAt!: string;

  @ApiProperty({ description: '裁定书编号', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  rulingRef!: string;
}

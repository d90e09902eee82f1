import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 记录回访 */
export class RecordFollowUpVisitRequest extends OptionalReasonRequest {
  @ApiProperty({ type: [String], description: '回访的当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  visitedPartyIds!: string[];

  @ApiProperty({ description: '履行情况是否良好' })
  @IsBoolean()
  performanceSatisfactory!: boolean;

  @ApiProperty({ description: '是否有反复或激化风险' })
  @IsBoolean()
  reescalationRisk!: boolean;

  @ApiPropertyOptional({ description: '回访记录编号', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recordRef?: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 报告激化风险 */
export class ReportRiskRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: ['public_order', 'criminal'], description: '可能引发的后果：治安案件或刑事案件' })
  @IsIn(['public_order', 'criminal'])
  riskKind!: 'public_order' | 'criminal';

  @ApiProperty({ description: '已采取的预防措施', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  measures!: string;

  @ApiProperty({ description: '报告的公安机关（单位编号）', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  policeUnitId!: string;
}

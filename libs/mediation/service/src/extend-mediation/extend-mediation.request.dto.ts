import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Max, Min } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 延长调解期限 */
export class ExtendMediationRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '延长的天数（按调解期限规则的单位）', minimum: 1, maximum: 90 })
  @IsInt()
  @Min(1)
  @Max(90)
  extendBy!: number;

  @ApiProperty({ type: [String], description: '同意延长的当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  consentingPartyIds!: string[];
}

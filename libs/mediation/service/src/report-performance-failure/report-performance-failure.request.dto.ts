import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 记录未履行 */
export class ReportPerformanceFailureRequest extends OptionalReasonRequest {
  @ApiProperty({ type: [String], description: '未履行的当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  defaultingPartyIds!: string[];

  @ApiProperty({ description: '未履行情况', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  description!: string;
}

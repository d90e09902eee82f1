import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 记录履行情况 */
export class RecordPerformanceRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '是否已全部履行' })
  @IsBoolean()
  complete!: boolean;

  @ApiProperty({ description: '履行情况', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  description!: string;

  @ApiPropertyOptional({ description: '履行凭证编号', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  evidenceRef?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 记录当事人意见 */
export class RecordConsentRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '当事人编号', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  partyId!: string;

  @ApiProperty({ description: '是否同意调解' })
  @IsBoolean()
  consented!: boolean;

  @ApiPropertyOptional({ description: '当事人意见书或笔录编号', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  statementRef?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 终止调解 */
export class TerminateMediationRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: ['no_agreement', 'party_withdrew', 'false_statements_or_delay', 'other'], description: '终止事由' })
  @IsIn(['no_agreement', 'party_withdrew', 'false_statements_or_delay', 'other'])
  grounds!: 'no_agreement' | 'party_withdrew' | 'false_statements_or_delay' | 'other';

  @ApiProperty({ type: [String], enum: ['arbitration', 'administrative', 'judicial'], description: '已告知的途径（须包括仲裁、行政、司法）' })
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(['arbitration', 'administrative', 'judicial'], { each: true })
  routesTold!: ('arbitration' | 'administrative' | 'judicial')[];

  @ApiPropertyOptional({ description: '终止调解告知书编号', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  noticeRef?: string;

  @ApiPropertyOptional({ description: '撤回调解的当事人（事由为当事人撤回时必填，人民调解法§23、§26）', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  withdrawingPartyId?: string;
}

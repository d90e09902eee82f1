import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { OpinionOutcome } from '@fengqiao/petitions-domain';

export class IssueOpinionRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: ['support', 'explain', 'not_support'], description: '予以支持、解释说明或不予支持（第三十二条）' })
  @IsIn(['support', 'explain', 'not_support'])
  outcome!: OpinionOutcome;

  @ApiProperty({ description: '信访人的投诉请求' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  request!: string;

  @ApiProperty({ description: '事实和理由' })
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  factsAndReasons!: string;

  @ApiProperty({ description: '处理意见所依据的法律法规' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  legalBasisCited!: string;

  @ApiProperty({ description: '信访处理意见书文号' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  documentRef!: string;
}

export class DeliverRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '信访人收到书面答复的时间' })
  @IsISO8601({ strict: true })
  receivedAt!: string;

  @ApiPropertyOptional({ enum: ['in_person', 'post', 'online'], description: '送达方式' })
  @IsOptional()
  @IsIn(['in_person', 'post', 'online'])
  method?: 'in_person' | 'post' | 'online';
}

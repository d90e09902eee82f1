import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 调解员回避 */
export class RecuseMediatorRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '回避的调解员', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  mediatorId!: string;

  @ApiProperty({ enum: ['conflict_of_interest', 'party_request', 'other'], description: '回避事由' })
  @IsIn(['conflict_of_interest', 'party_request', 'other'])
  grounds!: 'conflict_of_interest' | 'party_request' | 'other';

  @ApiPropertyOptional({ description: '申请回避的当事人', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  requestedByPartyId?: string;
}

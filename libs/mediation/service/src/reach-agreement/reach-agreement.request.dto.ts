import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 达成调解协议 */
export class ReachAgreementRequest extends OptionalReasonRequest {
  @ApiPropertyOptional({ description: '协议编号；默认自动生成', maxLength: 80 })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  agreementId?: string;

  @ApiProperty({ enum: ['written', 'oral'], description: '书面或口头' })
  @IsIn(['written', 'oral'])
  form!: 'written' | 'oral';

  @ApiProperty({ description: '协议内容（当事人的权利义务、履行方式和期限）', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  terms!: string;

  @ApiPropertyOptional({ description: '协议书编号；书面协议默认本案的可打印协议书', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  documentRef?: string;
}

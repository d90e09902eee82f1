import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsISO8601, IsOptional, IsString } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 签署调解协议 */
export class SignAgreementRequest extends OptionalReasonRequest {
  @ApiProperty({ type: [String], description: '已签名的当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  signedByPartyIds!: string[];

  @ApiProperty({ description: '调解员已签名' })
  @IsBoolean()
  mediatorSigned!: boolean;

  @ApiProperty({ description: '已加盖调解委员会印章' })
  @IsBoolean()
  committeeSealed!: boolean;

  @ApiPropertyOptional({
    description: '签署日期：最后一方签名并加盖印章的时间（协议自此生效，司法确认申请期限自此起算，人民调解法§29、§33）；默认为记录时间',
    example: '2026-12-05T16:00:00+08:00',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  signedAt?: string;
}

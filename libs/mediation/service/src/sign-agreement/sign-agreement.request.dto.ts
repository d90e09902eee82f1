import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsString } from 'class-validator';
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
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { RequiredReasonRequest } from '@fengqiao/platform';

/** 移交上级调解组织 */
export class TransferCaseRequest extends RequiredReasonRequest {
  @ApiProperty({ description: '接收的调解委员会', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  toCommitteeId!: string;
}

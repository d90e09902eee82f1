import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { TEXT_MAX } from '../application/attachment.request.dto';

export class VerifyCaseRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: ['pass', 'fail'], description: 'pass：核查通过；fail：核查不通过，返工' })
  @IsIn(['pass', 'fail'], { message: '核查结果只能是 pass（通过）或 fail（不通过，返工）' })
  result!: 'pass' | 'fail';

  @ApiProperty({ description: '核查情况' })
  @IsString({ message: '请填写核查情况' })
  @IsNotEmpty({ message: '请填写核查情况' })
  @MaxLength(TEXT_MAX, { message: `核查情况不能超过 ${TEXT_MAX} 字` })
  findings!: string;
}

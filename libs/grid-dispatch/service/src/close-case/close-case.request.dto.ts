import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { TEXT_MAX } from '../application/attachment.request.dto';

export class CloseCaseRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '结案意见' })
  @IsString({ message: '请填写结案意见' })
  @IsNotEmpty({ message: '请填写结案意见' })
  @MaxLength(TEXT_MAX, { message: `结案意见不能超过 ${TEXT_MAX} 字` })
  summary!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { TEXT_MAX } from '../application/attachment.request.dto';

export class AnswerSupervisionRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '督办编号' })
  @IsString({ message: '请指定督办编号' })
  @IsNotEmpty({ message: '请指定督办编号' })
  @MaxLength(128, { message: '督办编号过长' })
  supervisionId!: string;

  @ApiProperty({ description: '督办答复' })
  @IsString({ message: '请填写督办答复' })
  @IsNotEmpty({ message: '请填写督办答复' })
  @MaxLength(TEXT_MAX, { message: `督办答复不能超过 ${TEXT_MAX} 字` })
  answer!: string;
}

import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { TEXT_MAX, WithAttachments } from '../application/attachment.request.dto';

export class SubmitFeedbackRequest extends IntersectionType(OptionalReasonRequest, WithAttachments) {
  @ApiProperty({ description: '办理结果' })
  @IsString({ message: '请填写办理结果' })
  @IsNotEmpty({ message: '请填写办理结果' })
  @MaxLength(TEXT_MAX, { message: `办理结果不能超过 ${TEXT_MAX} 字` })
  result!: string;
}

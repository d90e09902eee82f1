import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { TEXT_MAX } from '../application/attachment.request.dto';

export class RecordCallbackRequest extends OptionalReasonRequest {
  @ApiProperty({ minimum: 1, maximum: 5, description: '评价（1–5）' })
  @IsInt({ message: '评价必须是 1 至 5 的整数' })
  @Min(1, { message: '评价必须是 1 至 5 的整数' })
  @Max(5, { message: '评价必须是 1 至 5 的整数' })
  rating!: number;

  @ApiProperty({ description: '是否满意' })
  @IsBoolean({ message: '请记录是否满意（true 或 false）' })
  satisfied!: boolean;

  @ApiPropertyOptional({ description: '回访记录' })
  @IsOptional()
  @IsString({ message: '回访记录必须是文字' })
  @MaxLength(TEXT_MAX, { message: `回访记录不能超过 ${TEXT_MAX} 字` })
  comment?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Commands whose reason is optional (recorded on the event when given). */
export class OptionalReasonRequest {
  @ApiPropertyOptional({ description: '说明（记入事件）', maxLength: 1000 })
  @IsOptional()
  @IsString({ message: '说明须为文字' })
  @MaxLength(1000, { message: '说明不能超过 1000 字' })
  reason?: string;
}

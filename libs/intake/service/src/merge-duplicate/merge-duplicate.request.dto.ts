import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

export class MergeDuplicateRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '合并到的原事件编号（见 GET /intake/cases/{id}/duplicates 的建议）' })
  @IsString({ message: '请填写原事件编号' })
  @IsNotEmpty({ message: '请填写原事件编号' })
  @MaxLength(64, { message: '事件编号不能超过 64 字' })
  duplicateOf!: string;
}

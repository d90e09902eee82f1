import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

// one name per schema in the OpenAPI document of a process hosting several contexts
@ApiSchema({ name: 'GridDispatchMergeDuplicateRequest' })
export class MergeDuplicateRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '重复的是哪一个事件（事件编号）；须在操作人的管辖范围内' })
  @IsString({ message: '请指定重复的事件' })
  @IsNotEmpty({ message: '请指定重复的事件' })
  @MaxLength(128, { message: '事件编号过长' })
  duplicateOf!: string;
}

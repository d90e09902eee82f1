import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

export class DispatchCaseRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '承办单位编号' })
  @IsString({ message: '请选择承办单位' })
  @IsNotEmpty({ message: '请选择承办单位' })
  @MaxLength(128, { message: '单位编号过长' })
  unitId!: string;
}

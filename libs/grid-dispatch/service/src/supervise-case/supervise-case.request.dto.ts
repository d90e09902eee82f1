import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_REASON_LENGTH } from '@fengqiao/platform';

export class SuperviseCaseRequest {
  @ApiProperty({ description: '督办意见', maxLength: MAX_REASON_LENGTH })
  @IsString({ message: '请填写督办意见' })
  @IsNotEmpty({ message: '请填写督办意见' })
  @MaxLength(MAX_REASON_LENGTH, { message: `督办意见不能超过 ${MAX_REASON_LENGTH} 字` })
  opinion!: string;
}

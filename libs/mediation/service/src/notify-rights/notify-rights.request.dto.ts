import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 告知权利义务 */
export class NotifyRightsRequest extends OptionalReasonRequest {
  @ApiProperty({ type: [String], description: '告知的当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  partyIds!: string[];

  @ApiPropertyOptional({ description: '告知书编号；默认本案的可打印告知书', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  documentRef?: string;
}

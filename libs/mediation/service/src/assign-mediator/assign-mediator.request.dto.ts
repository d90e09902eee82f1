import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 指定或选定调解员 */
export class AssignMediatorRequest extends OptionalReasonRequest {
  @ApiProperty({ type: [String], description: '调解员（用户编号）' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  mediatorIds!: string[];

  @ApiProperty({ enum: ['designated', 'chosen_by_parties'], description: '指定或当事人选定' })
  @IsIn(['designated', 'chosen_by_parties'])
  method!: 'designated' | 'chosen_by_parties';
}

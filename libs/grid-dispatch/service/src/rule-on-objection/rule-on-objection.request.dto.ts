import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { RequiredReasonRequest } from '@fengqiao/platform';

// one name per schema in the OpenAPI document of a process hosting several contexts
@ApiSchema({ name: 'GridDispatchRuleOnObjectionRequest' })
export class RuleOnObjectionRequest extends RequiredReasonRequest {
  @ApiProperty({ enum: ['upheld', 'rejected'], description: 'upheld：退单成立，改派；rejected：退单不成立，仍由原单位办理' })
  @IsIn(['upheld', 'rejected'], { message: '裁定结果只能是 upheld（退单成立）或 rejected（退单不成立）' })
  decision!: 'upheld' | 'rejected';

  @ApiPropertyOptional({ description: '退单成立时改派的单位' })
  @ValidateIf((o: RuleOnObjectionRequest) => o.decision === 'upheld' || o.newUnitId !== undefined)
  @IsString({ message: '退单成立时请指定新的承办单位' })
  @IsNotEmpty({ message: '退单成立时请指定新的承办单位' })
  @MaxLength(128, { message: '单位编号过长' })
  newUnitId?: string;
}

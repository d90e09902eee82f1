import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

export class TransferPetitionRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '接收的有权处理机关、单位' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  toUnitId!: string;

  @ApiProperty({
    enum: ['competent_body', 'political_legal', 'discipline_inspection'],
    description: '转送有权机关；涉法涉诉转政法部门；检举控告转纪检监察机关（第二十二条）',
  })
  @IsIn(['competent_body', 'political_legal', 'discipline_inspection'])
  route!: 'competent_body' | 'political_legal' | 'discipline_inspection';
}

export class AssignPetitionRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '承办的机关、单位' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  toUnitId!: string;

  @ApiProperty({ description: '交办的办结期限（日），到期须报送办理结果（第二十二条）' })
  @IsInt()
  @Min(1)
  @Max(90)
  reportWithin!: number;
}

// one name per schema in the OpenAPI document of a process hosting several contexts
@ApiSchema({ name: 'PetitionRuleOnObjectionRequest' })
export class RuleOnObjectionRequest extends OptionalReasonRequest {
  @ApiProperty({ description: 'true：异议成立，退回重新转送交办' })
  @IsBoolean()
  agreed!: boolean;
}

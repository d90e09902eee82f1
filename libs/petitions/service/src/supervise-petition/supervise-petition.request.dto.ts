import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn } from 'class-validator';
import { RequiredReasonRequest } from '@fengqiao/platform';
import { SupervisionGrounds } from '@fengqiao/petitions-domain';

export const SUPERVISION_GROUNDS: readonly SupervisionGrounds[] = [
  'improper_acceptance',
  'shirking',
  'perfunctory',
  'delay',
  'falsification',
  'refusal_to_execute',
];

export class SupervisePetitionRequest extends RequiredReasonRequest {
  @ApiProperty({ enum: ['supervision', 'listed'], description: '督办或挂牌督办' })
  @IsIn(['supervision', 'listed'])
  form!: 'supervision' | 'listed';

  @ApiProperty({ enum: SUPERVISION_GROUNDS, isArray: true, description: '督办事由：违规受理办理、推诿、敷衍、拖延、弄虚作假、拒不执行（第四十条）' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @IsIn(SUPERVISION_GROUNDS, { each: true })
  grounds!: SupervisionGrounds[];
}

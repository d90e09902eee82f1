import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 归入卷宗材料 */
export class AddDossierItemRequest extends OptionalReasonRequest {
  @ApiProperty({
    enum: [
      'application_or_registration',
      'rights_notice',
      'identity_proof',
      'power_of_attorney',
      'investigation_record',
      'evidence',
      'mediation_record',
      'agreement',
      'performance_evidence',
      'follow_up_record',
      'judicial_confirmation_papers',
      'case_note',
    ],
    description: '材料类型',
  })
  @IsIn([
    'application_or_registration',
    'rights_notice',
    'identity_proof',
    'power_of_attorney',
    'investigation_record',
    'evidence',
    'mediation_record',
    'agreement',
    'performance_evidence',
    'follow_up_record',
    'judicial_confirmation_papers',
    'case_note',
  ])
  item!:
    | 'application_or_registration'
    | 'rights_notice'
    | 'identity_proof'
    | 'power_of_attorney'
    | 'investigation_record'
    | 'evidence'
    | 'mediation_record'
    | 'agreement'
    | 'performance_evidence'
    | 'follow_up_record'
    | 'judicial_confirmation_papers'
    | 'case_note';

  @ApiProperty({ description: '材料编号或链接', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  documentRef!: string;
}

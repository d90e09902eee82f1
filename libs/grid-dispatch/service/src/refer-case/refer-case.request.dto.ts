import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { RequiredReasonRequest } from '@fengqiao/platform';

export class ReferCaseRequest extends RequiredReasonRequest {
  @ApiProperty({ enum: ['mediation', 'petitions'], description: 'mediation：转人民调解；petitions：转信访' })
  @IsIn(['mediation', 'petitions'], { message: '移交去向只能是 mediation（人民调解）或 petitions（信访）' })
  target!: 'mediation' | 'petitions';
}

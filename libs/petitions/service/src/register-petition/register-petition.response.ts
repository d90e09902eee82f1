import { ApiProperty } from '@nestjs/swagger';
import { CaseCommandResponse } from '@fengqiao/platform';
import type { RegistrationResult } from '../application/registration';
import { MATCH_RELATIONS, PetitionMatchResponse } from '../petition-desk/petition-desk.response';

class RelatedMatterResponse {
  @ApiProperty() petitionId!: string;
  @ApiProperty({ enum: MATCH_RELATIONS }) relation!: RegistrationResult['matches'][number]['relation'];
}

/** A registration: the command's answer (`caseId` is the petition id) with what the duplicate check found. */
export class RegistrationResponse extends CaseCommandResponse implements RegistrationResult {
  @ApiProperty() petitionId!: string;
  @ApiProperty({ type: [String], description: '信访人编号（按人）' }) petitionerIds!: string[];
  @ApiProperty({ type: [PetitionMatchResponse], description: '同一信访人同一事项的已有信访' }) matches!: PetitionMatchResponse[];
  @ApiProperty({ type: RelatedMatterResponse, nullable: true, description: '关联的已有事项（不予受理或不再受理的依据）' })
  relatedMatter!: RelatedMatterResponse | null;
}

import { ApiProperty } from '@nestjs/swagger';
import { PartyRecordResponse } from '../get-case/get-case.response';

/** A party's details as recorded (masked for roles without personal_data.read). */
export class RecordPartyDetailsResponse {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: [String], description: '调解委员会的单位路径' }) jurisdiction!: string[];
  @ApiProperty({ type: PartyRecordResponse }) party!: PartyRecordResponse;
}

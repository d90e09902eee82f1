import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DuplicatePolicy } from '@fengqiao/intake-domain';
import { INTAKE_STATUSES, IntakeStatus } from '../case-view/case-view';
import type { DuplicateSuggestionResponse, DuplicatesResponse } from './duplicates.handler';

class DuplicatePolicyResponse implements DuplicatePolicy {
  @ApiProperty({ description: '半径（米）；0 表示该类别不提示' }) radiusMetres!: number;
  @ApiProperty({ description: '前后多少小时内上报的算在内' }) windowHours!: number;
  @ApiPropertyOptional({ type: 'integer', description: '最多几条建议' }) limit?: number;
}

class DuplicateSuggestion implements DuplicateSuggestionResponse {
  @ApiProperty() caseId!: string;
  @ApiProperty() distanceMetres!: number;
  @ApiProperty() hoursApart!: number;
  @ApiProperty({ enum: INTAKE_STATUSES }) status!: IntakeStatus;
  @ApiProperty() description!: string;
  @ApiProperty() reportedAt!: string;
  @ApiProperty({ type: String, nullable: true }) gridId!: string | null;
}

export class DuplicatesAnswer implements DuplicatesResponse {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: DuplicatePolicyResponse }) policy!: DuplicatePolicyResponse;
  @ApiProperty({ type: String, nullable: true, description: '不能给出建议时的原因' }) note!: string | null;
  @ApiProperty({ type: [DuplicateSuggestion], description: '由近到远' }) suggestions!: DuplicateSuggestion[];
}

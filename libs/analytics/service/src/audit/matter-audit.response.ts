/** The response shapes of the audit API across contexts (`/audit/matters/:id/…`), for the OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorResponse, MatterVerificationResponse, StoredEventResponse, StreamStateResponse, StreamVerificationResponse } from '@fengqiao/platform';

class MatterStreamSummaryResponse {
  @ApiProperty() context!: string;
  @ApiProperty() streamId!: string;
  @ApiPropertyOptional() kind?: string;
  @ApiPropertyOptional() kindLabel?: string;
  @ApiProperty({ type: 'integer' }) eventCount!: number;
  @ApiProperty({ enum: ['shown', 'masked', 'none'] }) personalData!: string;
}

class StepWhenResponse {
  @ApiProperty() occurredAt!: string;
  @ApiProperty() recordedAt!: string;
}

class StepChangeResponse {
  @ApiPropertyOptional() statusBefore?: string;
  @ApiPropertyOptional() statusAfter?: string;
  @ApiPropertyOptional({ description: '操作人给出的理由' }) reason?: string;
  @ApiProperty({ type: [String], description: '本步改变的字段' }) fields!: string[];
}

class StepRuleResponse {
  @ApiProperty() ruleId!: string;
  @ApiPropertyOptional() duration?: number;
  @ApiPropertyOptional() unit?: string;
  @ApiPropertyOptional() calendarId?: string;
  @ApiPropertyOptional() calendarVersion?: string;
}

class StepDeadlineResponse {
  @ApiProperty() dueAt!: string;
  @ApiPropertyOptional() warnAt?: string;
  @ApiPropertyOptional() step?: string;
}

class TimelineStepResponse {
  @ApiProperty() context!: string;
  @ApiProperty() streamId!: string;
  @ApiPropertyOptional() kind?: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: '步骤（中文）' }) label!: string;
  @ApiProperty({ type: ActorResponse }) who!: ActorResponse;
  @ApiProperty({ type: StepWhenResponse }) when!: StepWhenResponse;
  @ApiProperty({ type: StepChangeResponse }) changed!: StepChangeResponse;
  @ApiPropertyOptional({ type: StepRuleResponse }) rule?: StepRuleResponse;
  @ApiPropertyOptional({ type: StepDeadlineResponse }) deadline?: StepDeadlineResponse;
  @ApiPropertyOptional() legalBasis?: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty() causationId!: string;
}

export class MatterTimelineResponse {
  @ApiProperty() matterId!: string;
  @ApiProperty({ type: [MatterStreamSummaryResponse] }) streams!: MatterStreamSummaryResponse[];
  @ApiProperty({ type: [TimelineStepResponse] }) steps!: TimelineStepResponse[];
  @ApiProperty({ type: [StoredEventResponse], description: '事件本身（个人信息按审计范围遮盖）' }) events!: StoredEventResponse[];
}

/** A stream's replayed state, with the context whose store holds it. */
export class ContextStreamStateResponse extends StreamStateResponse {
  @ApiProperty() context!: string;
}

/** Without `context` and `streamId`: every stream of the matter at that point. */
export class MatterStatesResponse {
  @ApiProperty() matterId!: string;
  @ApiProperty({ type: [ContextStreamStateResponse] }) states!: ContextStreamStateResponse[];
}

export class StreamMismatchResponse extends StreamVerificationResponse {
  @ApiProperty() context!: string;
}

export class MatterVerifyResponse {
  @ApiProperty() matterId!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: [StreamMismatchResponse], description: '未通过任一核验的事件流' }) mismatches!: StreamMismatchResponse[];
  @ApiProperty({ type: [MatterVerificationResponse] }) stores!: MatterVerificationResponse[];
}

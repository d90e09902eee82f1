/** One mediation case with its parties, agreement, deadlines and record, and a party's details, as the OpenAPI document describes them. */
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ActorResponse, DeadlineResponse, enumOf, nullableObject } from '@fengqiao/platform';
import { Agreement, ConsentRecord, InvitedParticipant, JudicialConfirmation, MediationCaseCore, PartyRole, TrackedDeadline } from '@fengqiao/mediation-domain';
import type { MediationCaseView, SessionEntry, TimelineEntry } from '../case-view/mediation-case.view';
import type { DocumentKind } from '../documents/document-links';
import { MediationCaseSummaryResponse } from '../list-cases/list-cases.response';
import type { PartyRecord } from '../parties/party-records';

const PARTY_ROLES = enumOf<PartyRole>({ applicant: true, respondent: true, third_party: true });
type Performance = MediationCaseCore['performance'];
type JudicialDecision = NonNullable<JudicialConfirmation['decision']>;

const RELATIONS = enumOf<InvitedParticipant['relation']>({ relative: true, neighbour: true, expert: true, other: true });

/** A party as the case shows it: name, ID number, phone and address masked for roles without personal_data.read. */
export class PartyRecordResponse implements PartyRecord {
  @ApiProperty() partyId!: string;
  @ApiProperty({ enum: PARTY_ROLES, description: '申请人、被申请人或第三人' }) role!: PartyRole;
  @ApiProperty({ description: 'false：尚未登记身份信息（由网格事件移交的案件开始时）' }) identified!: boolean;
  @ApiPropertyOptional({ description: '姓名或名称' }) name?: string;
  @ApiPropertyOptional({ description: '身份证号码或统一社会信用代码' }) idNumber?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional({ description: '个人信息已删除（密钥销毁）的时间' }) erasedAt?: string;
}

class InvitedParticipantResponse implements Pick<InvitedParticipant, 'participantId'> {
  @ApiProperty() participantId!: string;
  @ApiProperty({ enum: RELATIONS, description: '亲属、邻里、专业人员或其他' }) relation!: string;
}

class SessionResponse implements SessionEntry {
  @ApiProperty() sessionId!: string;
  @ApiProperty() heldAt!: string;
  @ApiProperty({ type: [String] }) mediatorIds!: string[];
  @ApiProperty({ type: [String] }) attendingPartyIds!: string[];
  @ApiProperty({ type: [InvitedParticipantResponse], description: '经当事人同意邀请参加的人员（第二十条）' })
  invitedParticipants!: InvitedParticipantResponse[];
  @ApiProperty({ description: '调解情况' }) summary!: string;
  @ApiPropertyOptional({ description: '调解记录' }) recordRef?: string;
  @ApiPropertyOptional() place?: string;
  @ApiPropertyOptional({ description: '是否公开进行（第二十三条）' }) openToPublic?: boolean;
}

class TimelineEntryResponse implements TimelineEntry {
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ description: '事件类型' }) type!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: ActorResponse }) actor!: ActorResponse;
  @ApiPropertyOptional() legalBasis?: string;
  @ApiPropertyOptional() reason?: string;
}

class ConsentResponse implements ConsentRecord {
  @ApiProperty() partyId!: string;
  @ApiProperty({ description: '同意调解' }) consented!: boolean;
  @ApiProperty() at!: string;
}

class JudicialDecisionResponse implements JudicialDecision {
  @ApiProperty({ description: '确认有效' }) confirmed!: boolean;
  @ApiProperty() decidedAt!: string;
  @ApiProperty({ description: '裁定书' }) rulingRef!: string;
}

/** Where the printable documents of the case are (`documentUrl`). */
class DocumentLinksResponse implements Record<DocumentKind, string> {
  @ApiProperty({ description: '人民调解申请书或受理登记表' }) application!: string;
  @ApiProperty({ description: '当事人权利义务告知书' }) 'rights-notice'!: string;
  @ApiProperty({ description: '调解协议书' }) agreement!: string;
  @ApiProperty({ description: '卷宗封面和目录' }) dossier!: string;
}

/** The case (`GET /mediation/cases/:id`): the desk's fields, the sessions and timeline, and what the decider's state holds. */
@ApiExtraModels(DeadlineResponse, JudicialDecisionResponse)
export class MediationCaseResponse extends MediationCaseSummaryResponse implements Omit<MediationCaseView, '_id' | 'state'> {
  @ApiProperty({ type: [SessionResponse], description: '调解记录' }) sessions!: SessionResponse[];
  @ApiProperty({ type: [TimelineEntryResponse], description: '全过程，由早到晚' }) timeline!: TimelineEntryResponse[];
  @ApiProperty({ type: [PartyRecordResponse] }) parties!: PartyRecordResponse[];
  @ApiProperty({ type: [ConsentResponse], description: '当事人是否同意调解' }) consents!: ConsentResponse[];
  @ApiProperty(
    nullableObject<TrackedDeadline>(
      {
        deadline: { $ref: getSchemaPath(DeadlineResponse) },
        warned: { type: 'boolean', description: '已发出临期预警' },
        breached: { type: 'boolean', description: '已超期' },
      },
      '调解期限（受理后）',
    ),
  )
  mediationDeadline!: TrackedDeadline | null;
  @ApiProperty(
    nullableObject<Agreement>(
      {
        agreementId: { type: 'string' },
        form: { type: 'string', enum: ['written', 'oral'], description: '书面或口头协议' },
        terms: { type: 'string', description: '协议内容' },
        reachedAt: { type: 'string' },
        documentRef: { optional: { type: 'string' } },
        effectiveAt: { optional: { type: 'string', description: '生效时间（第二十九、三十条）' } },
        judicialConfirmationWindow: { optional: { allOf: [{ $ref: getSchemaPath(DeadlineResponse) }], description: '申请司法确认的期限（第三十三条）' } },
      },
      '调解协议（达成后）',
    ),
  )
  agreement!: Agreement | null;
  @ApiProperty(
    nullableObject<JudicialConfirmation>(
      {
        courtId: { type: 'string' },
        filedAt: { type: 'string' },
        decision: { optional: { allOf: [{ $ref: getSchemaPath(JudicialDecisionResponse) }], description: '法院的裁定' } },
      },
      '司法确认（申请后）',
    ),
  )
  judicialConfirmation!: JudicialConfirmation | null;
  @ApiProperty(
    nullableObject<Performance>(
      { records: { type: 'integer', description: '履行记录数' }, complete: { type: 'boolean', description: '已履行完毕' } },
      '协议履行；尚未登记的案件为 null',
    ),
  )
  performance!: Performance | null;
  @ApiProperty({ type: DocumentLinksResponse, description: '可打印的文书' }) documents!: Record<DocumentKind, string>;
}

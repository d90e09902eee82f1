/** The committee's desk list and the case fields it shows, as the OpenAPI document describes them. */
import { ApiProperty } from '@nestjs/swagger';
import { CommitteeLevel, DisputeSource, MediationStatus, ReportRisk } from '@fengqiao/mediation-domain';
import { enumOf, nullableObject } from '@fengqiao/platform';
import type { MediationCaseView } from '../case-view/mediation-case.view';
import { CASE_STATUSES } from './list-cases.request.dto';

const COMMITTEE_LEVELS = enumOf<CommitteeLevel>({ village: true, town: true, district: true, industry: true });
const SOURCE_KINDS = enumOf<DisputeSource['kind']>({ application: true, own_initiative: true, entrusted: true, referred_from_grid_case: true });
const RISK_KINDS = enumOf<ReportRisk['data']['riskKind']>({ public_order: true, criminal: true });

type Signatures = NonNullable<MediationCaseView['agreementSignatures']>;
type RiskReport = MediationCaseView['riskReports'][number];
type Transfer = MediationCaseView['transfers'][number];

class RiskReportResponse implements RiskReport {
  @ApiProperty({ enum: RISK_KINDS, description: '治安或刑事风险' }) riskKind!: string;
  @ApiProperty({ description: '报告的公安机关' }) policeUnitId!: string;
  @ApiProperty({ description: '已采取的措施' }) measures!: string;
  @ApiProperty() at!: string;
}

class CaseTransferResponse implements Transfer {
  @ApiProperty() fromCommitteeId!: string;
  @ApiProperty() toCommitteeId!: string;
  @ApiProperty({ enum: COMMITTEE_LEVELS }) toLevel!: string;
  @ApiProperty() at!: string;
}

/** A mediation case as the desk lists it: the view's fields without the state, sessions and timeline. */
export class MediationCaseSummaryResponse implements Omit<MediationCaseView, '_id' | 'state' | 'sessions' | 'timeline'> {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: 'integer', description: '事件流版本（= ETag）' }) revision!: number;
  @ApiProperty({ enum: CASE_STATUSES }) status!: MediationStatus;
  @ApiProperty({ description: '状态（中文）' }) statusLabel!: string;
  @ApiProperty({ description: '受理的调解委员会' }) committeeId!: string;
  @ApiProperty({ enum: COMMITTEE_LEVELS, description: '调解委员会层级' }) committeeLevel!: string;
  @ApiProperty({ type: [String], description: '调解委员会的单位路径（管辖范围）' }) jurisdiction!: string[];
  @ApiProperty({ enum: SOURCE_KINDS, description: '纠纷来源' }) sourceKind!: string;
  @ApiProperty({ type: String, nullable: true, description: '由网格事件移交时：网格事件编号' }) gridCaseId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '纠纷类型' }) category!: string | null;
  @ApiProperty({ description: '纠纷简要情况' }) summary!: string;
  @ApiProperty({ type: [String] }) mediatorIds!: string[];
  @ApiProperty() registeredAt!: string;
  @ApiProperty({ type: 'integer', description: 'registeredAt（毫秒）' }) registeredAtMs!: number;
  @ApiProperty({ description: '最近一步的时间' }) updatedAt!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: '受理时间（毫秒）；未受理为 null' }) acceptedAtMs!: number | null;
  @ApiProperty({ description: '调解协议已生效（调解成功）' }) settled!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) settledAtMs!: number | null;
  @ApiProperty({ type: 'integer', description: '已记录的调解次数' }) sessionCount!: number;
  @ApiProperty({ type: 'integer', nullable: true }) lastSessionAtMs!: number | null;
  @ApiProperty({ description: '协议已生效、尚无履行记录' }) awaitingPerformance!: boolean;
  @ApiProperty({ type: 'integer', nullable: true, description: '申请司法确认的期限（毫秒），尚未申请时' }) confirmationDueAtMs!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: '调解期限的下一次预警或届满（毫秒）' }) nextTimerAtMs!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) nextTimerBucket!: number | null;
  @ApiProperty(
    nullableObject<Signatures>(
      {
        signedByPartyIds: { type: 'array', items: { type: 'string' }, description: '已签名的当事人' },
        effectiveAt: { type: 'string', description: '协议生效时间' },
      },
      '协议签名（协议生效后）',
    ),
  )
  agreementSignatures!: Signatures | null;
  @ApiProperty({ type: [RiskReportResponse], description: '向公安机关报告的风险（第二十五条）' }) riskReports!: RiskReportResponse[];
  @ApiProperty({ type: [CaseTransferResponse] }) transfers!: CaseTransferResponse[];
}

export class MediationCaseListResponse {
  @ApiProperty({ type: 'integer', description: '符合条件的案件总数' }) total!: number;
  @ApiProperty({ type: [MediationCaseSummaryResponse] }) items!: MediationCaseSummaryResponse[];
}

/** The figures and the facts behind them (grid cases, people's mediation, petitions), as the OpenAPI document describes them. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaseFacts } from './case-facts.projection';
import type { MediationFacts, PetitionFacts } from './dispute-facts.projection';
import {
  MEDIATION_GROUPS,
  PETITION_GROUPS,
  type MediationFigureRow,
  type MediationGroupBy,
  type PetitionFigureRow,
  type PetitionGroupBy,
} from './dispute-figures';
import { CASE_GROUPS, type FigureRow, type GroupBy } from './figures';

const RATE = '0–1，四位小数；分母为 0 时为 0';

class FigureRowResponse implements FigureRow {
  @ApiProperty({ description: '分组：单位编号、类别、渠道、月份或网格' }) key!: string;
  @ApiProperty({ type: 'integer', description: '受理数' }) taken!: number;
  @ApiProperty({ type: 'integer', description: '立案数' }) filed!: number;
  @ApiProperty({ type: 'integer', description: '结案数' }) closed!: number;
  @ApiProperty({ type: 'integer', description: '按期结案数' }) onTime!: number;
  @ApiProperty({ type: 'integer', description: '超期数' }) overdue!: number;
  @ApiProperty({ description: `结案率（结案 ÷ 立案，${RATE}）` }) closedRate!: number;
  @ApiProperty({ description: `按期率（按期结案 ÷ 结案，${RATE}）` }) onTimeRate!: number;
  @ApiProperty({ description: `返工率（${RATE}）` }) reworkRate!: number;
  @ApiProperty({ description: `挂账率（${RATE}）` }) suspensionRate!: number;
  @ApiProperty({ description: `延期率（${RATE}）` }) extensionRate!: number;
  @ApiProperty({ type: Number, nullable: true, description: '满意度（回访评分 1–5 的平均）；没有评价时为 null' }) satisfaction!: number | null;
  @ApiProperty({ type: 'integer', description: '评价数' }) rated!: number;
}

class MediationFigureRowResponse implements MediationFigureRow {
  @ApiProperty({ description: '分组：单位编号、纠纷类型、月份、来源或调解组织层级' }) key!: string;
  @ApiProperty({ type: 'integer', description: '登记数' }) registered!: number;
  @ApiProperty({ type: 'integer', description: '受理数' }) taken!: number;
  @ApiProperty({ type: 'integer', description: '不予调解数（含当事人不同意）' }) declined!: number;
  @ApiProperty({ type: 'integer', description: '调解成功数' }) settled!: number;
  @ApiProperty({ type: 'integer', description: '办结数（调解成功 + 调解终止）' }) concluded!: number;
  @ApiProperty({ description: `调解成功率（成功 ÷ 办结，${RATE}）` }) successRate!: number;
  @ApiProperty({ type: 'integer', description: '书面协议' }) written!: number;
  @ApiProperty({ type: 'integer', description: '口头协议' }) oral!: number;
  @ApiProperty({ type: 'integer', description: '超期数' }) overdue!: number;
  @ApiProperty({ type: 'integer', description: '移交数' }) transferred!: number;
  @ApiProperty({ type: 'integer', description: '司法确认数' }) judiciallyConfirmed!: number;
  @ApiProperty({ type: 'integer', description: '履行完毕数' }) performed!: number;
}

class PetitionFigureRowResponse implements PetitionFigureRow {
  @ApiProperty({ description: '分组：单位编号、渠道、月份或来源' }) key!: string;
  @ApiProperty({ type: 'integer', description: '登记数' }) registered!: number;
  @ApiProperty({ type: 'integer', description: '受理数' }) accepted!: number;
  @ApiProperty({ type: 'integer', description: '不予受理数' }) notAccepted!: number;
  @ApiProperty({ type: 'integer', description: '答复数（处理意见已送达）' }) answered!: number;
  @ApiProperty({ type: 'integer', description: '按期答复数' }) answeredOnTime!: number;
  @ApiProperty({ description: `按期答复率（${RATE}）` }) onTimeRate!: number;
  @ApiProperty({ type: 'integer', description: '超期数' }) overdue!: number;
  @ApiProperty({ type: 'integer', description: '申请复查数' }) reviewRequested!: number;
  @ApiProperty({ type: 'integer', description: '申请复核数' }) reReviewRequested!: number;
  @ApiProperty({ description: `复查申请率（申请复查 ÷ 答复，${RATE}）` }) reviewRate!: number;
  @ApiProperty({ type: 'integer', description: '集体访' }) groupVisits!: number;
  @ApiProperty({ type: 'integer', description: '重复信访' }) repeats!: number;
}

/** The month asked for (`?month=yyyy-mm`), echoed when given. */
class FiguresPeriodResponse {
  @ApiPropertyOptional({ pattern: '^\\d{4}-\\d{2}$', description: '月份（请求中给出时）' }) month?: string;
}

export class CaseFiguresResponse extends FiguresPeriodResponse {
  @ApiProperty({ enum: CASE_GROUPS, description: '分组方式' }) by!: GroupBy;
  @ApiProperty({ type: [FigureRowResponse] }) rows!: FigureRowResponse[];
}

export class MediationFiguresResponse extends FiguresPeriodResponse {
  @ApiProperty({ enum: MEDIATION_GROUPS, description: '分组方式' }) by!: MediationGroupBy;
  @ApiProperty({ type: [MediationFigureRowResponse] }) rows!: MediationFigureRowResponse[];
}

export class PetitionFiguresResponse extends FiguresPeriodResponse {
  @ApiProperty({ enum: PETITION_GROUPS, description: '分组方式' }) by!: PetitionGroupBy;
  @ApiProperty({ type: [PetitionFigureRowResponse] }) rows!: PetitionFigureRowResponse[];
}

/** What analytics knows of one grid case (`analytics_cases`, without the ids of the events applied). */
export class CaseFactsResponse implements Omit<CaseFacts, 'applied'> {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: String, nullable: true, description: '上报月份 yyyy-mm（北京时间）' }) month!: string | null;
  @ApiProperty({ type: String, nullable: true }) reportedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) channel!: string | null;
  @ApiProperty({ type: String, nullable: true }) category!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: '类别名称（受理端发布时）' }) categoryName?: string | null;
  @ApiProperty({ type: String, nullable: true }) gridId!: string | null;
  @ApiProperty({ type: [String], description: '发生地的单位路径' }) jurisdiction!: string[];
  @ApiProperty({ type: String, nullable: true, description: '同一地点的识别键（地址，或约 100 米的坐标）' }) placeKey!: string | null;
  @ApiProperty() filed!: boolean;
  @ApiProperty() closed!: boolean;
  @ApiProperty({ type: String, nullable: true }) closedAt!: string | null;
  @ApiProperty({ description: '曾超期' }) breached!: boolean;
  @ApiProperty({ type: 'integer', description: '返工次数' }) reworks!: number;
  @ApiProperty({ type: 'integer', description: '挂账次数' }) suspensions!: number;
  @ApiProperty({ type: 'integer', description: '延期次数' }) extensions!: number;
  @ApiProperty({ type: Number, nullable: true, description: '回访评分 1–5' }) rating!: number | null;
  @ApiProperty({ type: String, nullable: true, description: '网格事件的最新状态' }) status!: string | null;
}

/** What analytics knows of one people's mediation case (`analytics_mediation_cases`, no personal data). */
export class MediationFactsResponse implements Omit<MediationFacts, 'applied'> {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: String, nullable: true, description: '登记月份 yyyy-mm（北京时间）' }) month!: string | null;
  @ApiProperty({ type: String, nullable: true }) registeredAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '纠纷来源' }) source!: string | null;
  @ApiProperty({ type: String, nullable: true }) category!: string | null;
  @ApiProperty({ type: String, nullable: true }) committeeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) committeeLevel!: string | null;
  @ApiProperty({ type: [String], description: '调解委员会的单位路径' }) jurisdiction!: string[];
  @ApiProperty({ type: String, nullable: true }) gridCaseId!: string | null;
  @ApiProperty({ description: '已受理' }) accepted!: boolean;
  @ApiProperty({ description: '不予调解或当事人不同意' }) declined!: boolean;
  @ApiProperty({ description: '调解成功' }) settled!: boolean;
  @ApiProperty({ type: String, enum: ['written', 'oral', null], nullable: true, description: '协议形式' }) agreementForm!: 'written' | 'oral' | null;
  @ApiProperty({ description: '调解终止（未达成协议）' }) terminated!: boolean;
  @ApiProperty({ type: 'integer', description: '移交次数' }) transfers!: number;
  @ApiProperty({ description: '曾超期' }) breached!: boolean;
  @ApiProperty({ type: Boolean, nullable: true, description: '司法确认：true 确认有效，false 驳回，null 无' }) judiciallyConfirmed!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true, description: '履行：true 履行完毕，false 未履行，null 尚无记录' }) performed!: boolean | null;
  @ApiProperty({ type: String, nullable: true, description: '最近一个事件' }) lastEvent!: string | null;
}

/** What analytics knows of one petition (`analytics_petitions`, no personal data). */
export class PetitionFactsResponse implements Omit<PetitionFacts, 'applied'> {
  @ApiProperty() petitionId!: string;
  @ApiProperty({ type: String, nullable: true, description: '登记月份 yyyy-mm（北京时间）' }) month!: string | null;
  @ApiProperty({ type: String, nullable: true }) registeredAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) channel!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '来源：office、online_form、grid_case、reception' }) source!: string | null;
  @ApiProperty({ type: [String] }) jurisdiction!: string[];
  @ApiProperty({ type: String, nullable: true }) status!: string | null;
  @ApiProperty({ description: '已受理' }) accepted!: boolean;
  @ApiProperty({ description: '不予受理' }) notAccepted!: boolean;
  @ApiProperty({ type: String, nullable: true, description: '办理期限（第三十二条）' }) handlingDueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '处理意见送达时间' }) answeredAt!: string | null;
  @ApiProperty({ description: '办理期限曾超期' }) handlingBreached!: boolean;
  @ApiProperty({ description: '任一法定期限曾超期' }) breached!: boolean;
  @ApiProperty() reviewRequested!: boolean;
  @ApiProperty() reReviewRequested!: boolean;
  @ApiProperty({ type: 'integer', description: '集体访人数；非集体访为 0' }) groupVisitors!: number;
  @ApiProperty({ type: String, nullable: true, description: '重复信访时：所重复的信访事项' }) relatedPetitionId!: string | null;
  @ApiProperty({ type: 'integer', description: '督办次数' }) supervised!: number;
}

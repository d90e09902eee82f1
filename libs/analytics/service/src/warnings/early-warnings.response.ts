/** Early warnings (`GET /analytics/warnings`, acknowledge, resolve), as the OpenAPI document describes them. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Actor } from '@fengqiao/kernel';
import { ActorResponse, enumOf } from '@fengqiao/platform';
import type { PetitionSignal, WarningDraft } from './early-warning.rules';
import type { WarningStatus, WarningView } from './early-warnings';

type HistoryEntry = WarningView['history'][number];

const STATUSES = enumOf<WarningStatus>({ raised: true, acknowledged: true, resolved: true });
const RULES = enumOf<WarningDraft['rule']>({ 'EW.REPEATED_PLACE': true, 'EW.CATEGORY_SURGE': true, 'EW.OVERDUE_RISING': true, 'EW.PETITION_ESCALATING': true });
const SIGNAL_KINDS = enumOf<PetitionSignal['kind']>({ repeat: true, review: true, re_review: true, group_visit: true });

class WarningStepResponse implements HistoryEntry {
  @ApiProperty({ enum: ['EarlyWarningRaised', 'EarlyWarningAcknowledged', 'EarlyWarningResolved'], description: '预警、签收或处置' }) type!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: ActorResponse, description: '系统（预警）或操作人' }) by!: Actor;
  @ApiPropertyOptional({ description: '签收或处置说明' }) note?: string;
}

class PetitionSignalResponse implements PetitionSignal {
  @ApiProperty() petitionId!: string;
  @ApiProperty({ enum: SIGNAL_KINDS, description: '重复信访、申请复查、申请复核或集体访' }) kind!: PetitionSignal['kind'];
  @ApiProperty() at!: string;
  @ApiPropertyOptional({ type: 'integer', description: '集体访人数' }) visitors?: number;
}

/**
 * One warning: its rule, the cases behind it and the explanation as raised, its status and every
 * step since. Besides the common fields each rule adds its own (place and window, category and
 * baseline, village and shares, petition matter and signals).
 */
export class WarningResponse implements WarningView {
  [field: string]: unknown;
  @ApiProperty({ description: '预警编号' }) warningId!: string;
  @ApiProperty({ enum: STATUSES, description: '待签收、已签收或已处置' }) status!: WarningStatus;
  @ApiProperty({ enum: RULES, description: '预警规则' }) rule!: string;
  @ApiProperty({ description: '规则（中文）' }) ruleText!: string;
  @ApiProperty() raisedAt!: string;
  @ApiProperty({ type: [String], description: '所涉单位路径' }) jurisdiction!: string[];
  @ApiProperty({ type: String, nullable: true, description: '所涉网格（与网格有关的规则）' }) gridId!: string | null;
  @ApiProperty({ type: [String], description: '所涉事件或信访事项' }) caseIds!: string[];
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ description: '说明和建议（中文）' }) explanation!: string;
  @ApiProperty({ type: [WarningStepResponse], description: '预警及其后的签收、处置' }) history!: WarningStepResponse[];
  @ApiPropertyOptional({ description: 'EW.REPEATED_PLACE：地点' }) place?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'EW.REPEATED_PLACE：统计天数' }) windowDays?: number;
  @ApiPropertyOptional({ description: 'EW.CATEGORY_SURGE：类别' }) category?: string;
  @ApiPropertyOptional({ description: 'EW.CATEGORY_SURGE：前 8 周周均件数' }) baselinePerWeek?: number;
  @ApiPropertyOptional({ description: 'EW.OVERDUE_RISING：村居' }) unitId?: string;
  @ApiPropertyOptional({ description: 'EW.OVERDUE_RISING：月份 yyyy-mm' }) month?: string;
  @ApiPropertyOptional({ description: 'EW.OVERDUE_RISING：本月超期占比 0–1' }) shareThisMonth?: number;
  @ApiPropertyOptional({ description: 'EW.OVERDUE_RISING：上月超期占比 0–1' }) shareLastMonth?: number;
  @ApiPropertyOptional({ description: 'EW.PETITION_ESCALATING：信访事项（原信访）' }) matterId?: string;
  @ApiPropertyOptional({ type: [PetitionSignalResponse], description: 'EW.PETITION_ESCALATING：升级迹象' }) signals?: PetitionSignalResponse[];
}

export class WarningListResponse {
  @ApiProperty({ type: [WarningResponse] }) warnings!: WarningResponse[];
}

/** The petition desk's answers (list, clocks, one petition, related), as the OpenAPI document describes them. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOCUMENT_KINDS, type MatchFound } from '../read-models/petition-view';
import { nullableObject } from '@fengqiao/platform';
import type { ClockLine, WindowLine } from './petition-desk.handler';

class PetitionSourceResponse {
  @ApiProperty({ enum: ['office', 'online_form', 'grid_case', 'reception'], description: '来源' }) kind!: string;
  @ApiPropertyOptional({ description: '来自网格事件时：事件编号' }) caseId?: string;
  @ApiPropertyOptional({ description: '来自家门口信访时：接访点' }) pointId?: string;
  @ApiPropertyOptional({ description: '来自领导接访日时' }) dayId?: string;
}

class PetitionFlagsResponse {
  @ApiProperty({ description: '已督办' }) supervised!: boolean;
  @ApiProperty({ description: '重复信访' }) repeat!: boolean;
  @ApiProperty({ description: '集体访' }) groupVisit!: boolean;
}

export class ClockLineResponse implements ClockLine {
  @ApiProperty({ description: '期限种类，如 handling、review' }) kind!: string;
  @ApiProperty() ruleId!: string;
  @ApiProperty({ type: String, nullable: true }) legalBasis!: string | null;
  @ApiProperty() startAt!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ type: String, nullable: true, description: '最后一日 YYYY-MM-DD' }) lastDay!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '因节假日顺延前的最后一日' }) shiftedFrom!: string | null;
  @ApiProperty() unit!: string;
  @ApiProperty() duration!: number;
  @ApiProperty({ type: 'integer', description: '剩余天数（负数为超期天数）' }) daysLeft!: number;
  @ApiProperty() nearDue!: boolean;
  @ApiProperty() overdue!: boolean;
  @ApiProperty() warned!: boolean;
  @ApiProperty() breached!: boolean;
  @ApiProperty() paused!: boolean;
  @ApiProperty({ type: 'integer', description: '不计入的听证天数（第三十六条）' }) excludedDays!: number;
  @ApiProperty() calendarVersion!: string;
  @ApiProperty({ description: '按暂定日历计算' }) provisional!: boolean;
}

/** A petition as the desk lists it (`listItem`). */
export class PetitionListItemResponse {
  @ApiProperty() petitionId!: string;
  @ApiProperty({ type: 'integer', description: '事件流版本（= ETag）' }) revision!: number;
  @ApiProperty() status!: string;
  @ApiProperty() statusLabel!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: String, nullable: true }) matterType!: string | null;
  @ApiProperty() receivedAt!: string;
  @ApiProperty() receivingUnitId!: string;
  @ApiProperty() currentUnitId!: string;
  @ApiProperty({ type: PetitionSourceResponse }) source!: PetitionSourceResponse;
  @ApiProperty({ type: PetitionFlagsResponse }) flags!: PetitionFlagsResponse;
  @ApiProperty({ type: 'integer', description: '走访代表人数' }) representatives!: number;
  @ApiProperty({ type: [ClockLineResponse] }) clocks!: ClockLineResponse[];
  @ApiProperty({ type: [String] }) jurisdiction!: string[];
}

export class PetitionListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) limit!: number;
  @ApiProperty({ type: 'integer' }) skip!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: '各状态的数量（管辖范围内全部）' }) byStatus!: Record<string, number>;
  @ApiProperty({ type: [PetitionListItemResponse] }) items!: PetitionListItemResponse[];
}

class PetitionClockLineResponse extends ClockLineResponse {
  @ApiProperty() petitionId!: string;
  @ApiProperty() status!: string;
  @ApiProperty() currentUnitId!: string;
  @ApiProperty({ type: [String] }) jurisdiction!: string[];
}

export class PetitionClocksResponse {
  @ApiProperty({ format: 'date-time' }) now!: string;
  @ApiProperty({ type: 'integer', description: '临期天数' }) within!: number;
  @ApiProperty({ type: [PetitionClockLineResponse] }) nearDue!: PetitionClockLineResponse[];
  @ApiProperty({ type: [PetitionClockLineResponse] }) overdue!: PetitionClockLineResponse[];
}

export class RelatedPetitionsResponse {
  @ApiProperty() petitionId!: string;
  @ApiProperty({ type: [PetitionListItemResponse], description: '同一信访人的其他信访事项' }) samePetitioner!: PetitionListItemResponse[];
  @ApiProperty({ type: [PetitionListItemResponse], description: '同一地址的其他信访事项' }) sameAddress!: PetitionListItemResponse[];
}

/** How an earlier petition of the same petitioner and matter stands to a new one (第十九条、第三十六条). */
export const MATCH_RELATIONS: ReadonlyArray<MatchFound['relation']> = ['being_handled_lower_level', 'being_handled_here', 'concluded_by_re_review'];

export class PetitionMatchResponse implements MatchFound {
  @ApiProperty() petitionId!: string;
  @ApiProperty({ enum: MATCH_RELATIONS }) relation!: MatchFound['relation'];
  @ApiProperty() status!: string;
  @ApiProperty() unitId!: string;
}

class PetitionTimelineEntryResponse {
  @ApiProperty() eventId!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty() type!: string;
  @ApiProperty() at!: string;
  @ApiProperty() role!: string;
  @ApiProperty() unitId!: string;
  @ApiPropertyOptional() legalBasis?: string;
  @ApiPropertyOptional() reason?: string;
}

class PetitionDocumentResponse {
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: String, nullable: true }) legalBasis!: string | null;
  @ApiProperty({ description: '文书（A4 打印页）' }) href!: string;
}

class PetitionRatingResponse {
  @ApiProperty() stage!: string;
  @ApiProperty() rating!: number;
  @ApiProperty() at!: string;
}

class PetitionerResponse {
  @ApiProperty() petitionerId!: string;
  @ApiProperty({ description: '姓名（无个人信息权限的角色看到遮盖后的）' }) name!: string;
  @ApiPropertyOptional() idNumber?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() address?: string;
  @ApiProperty({ description: '已核实身份' }) identified!: boolean;
  @ApiPropertyOptional({ description: '个人信息已删除' }) erased?: boolean;
  @ApiProperty({ type: [String] }) jurisdiction!: string[];
}

/** A window, or null where it is not open (inline: `nullable` beside a `$ref` would still refuse null in OpenAPI 3.0). */
const windowOrNull = (description: string) =>
  nullableObject<WindowLine>(
    {
      ruleId: { type: 'string' },
      legalBasis: { type: 'string', nullable: true },
      unit: { type: 'string' },
      duration: { type: 'number' },
      startAt: { type: 'string' },
      dueAt: { type: 'string' },
      lastDay: { type: 'string', nullable: true },
      shiftedFrom: { type: 'string', nullable: true },
      calendarVersion: { type: 'string' },
      provisional: { type: 'boolean' },
    },
    description,
  );

class PetitionWindowsResponse {
  @ApiProperty(windowOrNull('异议期限（第二十三条）')) objection!: WindowLine | null;
  @ApiProperty(windowOrNull('申请复查期限（第三十五条）')) reviewRequest!: WindowLine | null;
  @ApiProperty(windowOrNull('申请复核期限（第三十六条）')) reReviewRequest!: WindowLine | null;
}

/** One petition with its clocks, windows, history, documents and petitioners (personal data masked by role). */
export class PetitionDetailResponse extends PetitionListItemResponse {
  @ApiProperty() registeredAt!: string;
  @ApiProperty() receiverKind!: string;
  @ApiProperty({ type: String, nullable: true }) routedToUnitId!: string | null;
  @ApiProperty({ type: String, nullable: true }) handlingUnitId!: string | null;
  @ApiProperty({ type: [String] }) petitionerIds!: string[];
  @ApiProperty({ type: [PetitionMatchResponse], description: '登记时发现的同一信访人同一事项' }) matches!: PetitionMatchResponse[];
  @ApiProperty({ type: String, nullable: true, description: '不采纳提示的理由' }) overrideReason!: string | null;
  @ApiProperty({ type: [PetitionTimelineEntryResponse] }) timeline!: PetitionTimelineEntryResponse[];
  @ApiProperty({ type: [PetitionRatingResponse] }) ratings!: PetitionRatingResponse[];
  @ApiProperty() hasQueryCode!: boolean;
  @ApiProperty({ type: PetitionWindowsResponse }) windows!: PetitionWindowsResponse;
  @ApiProperty({ type: [PetitionerResponse] }) petitioners!: PetitionerResponse[];
  @ApiProperty({ type: [PetitionDocumentResponse] }) documents!: PetitionDocumentResponse[];
}

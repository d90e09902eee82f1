import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { nullableObject } from '@fengqiao/platform';
import { CaseView, DispatchProgress, INTAKE_STATUSES, IntakeStatus } from '../case-view/case-view';
import { ReferenceData } from '../reference/intake-reference';

/** Keys holding parties' personal data in case responses (masked by the platform's interceptor). */
export const CASE_PERSONAL_DATA = { name: 'name', phone: 'phone', address: 'address' } as const;

const STATUS_LABEL: Record<IntakeStatus, string> = {
  reported: '已上报，待受理',
  accepted: '已受理，待立案',
  not_accepted: '不予受理',
  filed: '已立案',
  merged_duplicate: '已作为重复事件合并',
};

export function intakeStatusLabel(status: IntakeStatus): string {
  return STATUS_LABEL[status];
}

/** What a case shows of grid-dispatch's progress (null until grid-dispatch's first event arrives). */
export type DispatchProgressAnswer = Pick<DispatchProgress, 'status' | 'at' | 'unitId' | 'step' | 'dueAt' | 'referredTo' | 'closedAt'> & {
  unitName: string | null;
};

const nullableString = (description?: string) => ({ type: 'string', nullable: true, ...(description ? { description } : {}) }) as const;

export class CaseResponse {
  @ApiProperty() caseId!: string;
  @ApiProperty({ description: '事件流版本（= ETag），命令的 If-Match' }) revision!: number;
  @ApiProperty({ enum: INTAKE_STATUSES }) status!: IntakeStatus;
  @ApiProperty({ description: '状态说明' }) statusLabel!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() category!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: '类别名称' }) categoryName!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty({ description: '{ point?: {lat, lng}, address? }（地址对无权查看个人信息的角色脱敏）' }) location!: Record<string, unknown>;
  @ApiPropertyOptional({ type: String, nullable: true }) gridId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) gridName!: string | null;
  @ApiProperty({ description: '是否在“待定位”队列中' }) unlocated!: boolean;
  @ApiProperty() urgency!: string;
  @ApiPropertyOptional({ description: '反映人（对无权查看个人信息的角色脱敏）', nullable: true }) reporter!: Record<string, unknown> | null;
  @ApiProperty({ type: [Object] }) attachments!: Record<string, unknown>[];
  @ApiProperty() reportedAt!: string;
  @ApiProperty({ description: '上报人（工作人员或 Open311 客户端）' }) reportedBy!: Record<string, unknown>;
  @ApiPropertyOptional({ type: String, nullable: true }) acceptedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) declinedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) declineReason!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) legalRoute!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) filedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) level!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) mergedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) duplicateOf!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: '最近一次受理决定的说明' }) decisionReason!: string | null;
  @ApiProperty({ type: [String], description: '管辖路径（及派单后的承办单位）' }) jurisdiction!: string[];
  @ApiProperty(
    nullableObject<DispatchProgressAnswer>(
      {
        status: { type: 'string', description: '派单环节状态（grid-dispatch），如 dispatched、in_progress、closed' },
        at: { type: 'string', description: '最近一次派单环节事件的业务时间' },
        unitId: nullableString('承办单位'),
        unitName: nullableString('承办单位名称'),
        step: nullableString('当前计时环节'),
        dueAt: nullableString('当前环节的办理期限'),
        referredTo: nullableString('转调解或信访'),
        closedAt: nullableString(),
      },
      '立案后派单环节的进展；派单环节的事件到达前为 null',
    ),
  )
  dispatch!: DispatchProgressAnswer | null;
  @ApiProperty({ enum: ['open', 'closed'], description: 'Open311 状态' }) open311Status!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) updatedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) closedAt!: string | null;
}

export class CaseListResponse {
  @ApiProperty({ type: [CaseResponse] }) items!: CaseResponse[];
  @ApiProperty({ description: '符合条件的总数' }) total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

/** The case as HTTP shows it (a full view: `status` is known). Personal data is masked later. */
export function toCaseResponse(view: CaseView & { status: IntakeStatus }, ref: ReferenceData): CaseResponse {
  const d = view.dispatch;
  return {
    caseId: view.caseId,
    revision: view.reportRevision,
    status: view.status,
    statusLabel: STATUS_LABEL[view.status],
    channel: view.channel ?? '',
    category: view.category ?? '',
    categoryName: view.category ? (ref.category(view.category)?.name ?? null) : null,
    description: view.description ?? '',
    location: { ...(view.location ?? {}) },
    gridId: view.gridId,
    gridName: ref.unitName(view.gridId),
    unlocated: view.unlocated,
    urgency: view.urgency ?? 'normal',
    reporter: view.reporter ? { ...view.reporter } : null,
    attachments: view.attachments.map((a) => ({ ...a })),
    reportedAt: view.reportedAt ?? '',
    reportedBy: { ...(view.reportedBy ?? {}) },
    acceptedAt: view.acceptedAt,
    declinedAt: view.declinedAt,
    declineReason: view.declineReason,
    legalRoute: view.legalRoute,
    filedAt: view.filedAt,
    level: view.level,
    mergedAt: view.mergedAt,
    duplicateOf: view.duplicateOf ?? d?.duplicateOf ?? null,
    decisionReason: view.decisionReason,
    jurisdiction: [...view.jurisdiction],
    dispatch: d
      ? {
          status: d.status,
          at: d.at,
          unitId: d.unitId,
          unitName: ref.unitName(d.unitId),
          step: d.step,
          dueAt: d.dueAt,
          referredTo: d.referredTo,
          closedAt: d.closedAt,
        }
      : null,
    open311Status: view.open311Status ?? 'open',
    updatedAt: view.updatedAt,
    closedAt: view.closedAt,
  };
}

export function isFullView(view: CaseView | null): view is CaseView & { status: IntakeStatus } {
  return view !== null && view.status !== null;
}

import { assertNever, CommandMeta, Decider, expectStatus, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@fengqiao/kernel';
import {
  CENTRE_LEVELS,
  CaseLocation,
  DECLINE_REASONS,
  GridCaseReportCommand,
  GridCaseReportEvent,
  GridCaseReportState,
  GridCaseReportStatus,
  REPORT_CHANNELS,
  ReportCaseData,
  ReportEventBase,
  URGENCIES,
} from './grid-case-report.types';

/**
 * The intake side of a grid case (DESIGN §5.1): report → accept | decline → file, or merge as a
 * duplicate before filing. Filing hands the case to grid-dispatch (through the published
 * `CaseFiled`); from then on this stream is finished and every later step lives in the
 * grid-dispatch work-order stream.
 *
 * Who may do what: reporting is open to any actor, but the `grid_worker` channel must be reported
 * by a grid worker; accepting, declining, filing and merging are centre (`operator`) decisions.
 */

export const MAX_DESCRIPTION_LENGTH = 4000; // Open311 GeoReport v2
export const MAX_ATTACHMENTS = 20;

/** Stream of the intake record of a grid case. */
export function toGridCaseReportStreamId(caseId: string): string {
  return `grid-case-report-${caseId}`;
}

const STATUS_LABEL: Record<GridCaseReportStatus, string> = {
  none: '未登记',
  reported: '已上报',
  accepted: '已受理',
  not_accepted: '不予受理',
  filed: '已立案',
  merged_duplicate: '已作为重复事件合并',
};

const COMMAND_LABEL: Record<GridCaseReportCommand['type'], string> = {
  ReportCase: '上报事件',
  AcceptCase: '受理',
  DeclineCase: '不予受理',
  FileCase: '立案',
  MergeAsDuplicate: '合并为重复事件',
};

function base(caseId: string, meta: CommandMeta): ReportEventBase {
  return {
    caseId,
    actor: meta.actor,
    at: meta.now,
    ...(meta.reason !== undefined && meta.reason.trim() !== '' ? { reason: meta.reason } : {}),
  };
}

/** The state narrowed to `allowed`, else 409 `GRID_CASE_REPORT.CANNOT_<COMMAND>` (kernel `expectStatus`). */
function expectIn<K extends GridCaseReportStatus>(command: GridCaseReportCommand, state: GridCaseReportState, allowed: readonly K[]) {
  return expectStatus(state, allowed, {
    code: `GRID_CASE_REPORT.CANNOT_${command.type.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c).toUpperCase()}`,
    noun: '事件',
    statusLabels: STATUS_LABEL,
    command: command.type,
    commandLabel: COMMAND_LABEL[command.type],
  });
}

function requireOperator(command: GridCaseReportCommand): void {
  if (command.meta.actor.role !== 'operator') {
    throw new ForbiddenError('GRID_CASE_REPORT.FORBIDDEN_ROLE', `只有综治中心工作人员可以${COMMAND_LABEL[command.type]}`, {
      command: command.type,
      role: command.meta.actor.role,
    });
  }
}

function requireReason(command: GridCaseReportCommand): string {
  const reason = command.meta.reason?.trim();
  if (!reason) {
    throw new ValidationError('GRID_CASE_REPORT.REASON_REQUIRED', `${COMMAND_LABEL[command.type]}须填写理由`, {
      command: command.type,
    });
  }
  return reason;
}

function invalid(code: string, message: string, details?: Record<string, unknown>): never {
  throw new ValidationError(`GRID_CASE_REPORT.${code}`, message, details);
}

const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '';

function validateLocation(location: CaseLocation | undefined): void {
  const hasAddress = location?.address !== undefined;
  const hasPoint = location?.point !== undefined;
  if (!location || (!hasAddress && !hasPoint)) invalid('LOCATION_REQUIRED', '须提供事件位置（坐标或地址）');
  if (hasAddress && !nonEmpty(location.address)) invalid('LOCATION_REQUIRED', '地址不能为空');
  if (location.point) {
    const { lat, lng } = location.point;
    if (!(Number.isFinite(lat) && lat >= -90 && lat <= 90 && Number.isFinite(lng) && lng >= -180 && lng <= 180)) {
      invalid('INVALID_POINT', '坐标无效（须为 WGS84 经纬度）', { point: location.point });
    }
  }
}

function validateReport(data: ReportCaseData): void {
  if (!nonEmpty(data.caseId)) invalid('CASE_ID_REQUIRED', '缺少事件编号');
  if (!REPORT_CHANNELS.includes(data.channel)) invalid('INVALID_CHANNEL', `上报渠道无效：${data.channel}`);
  if (!nonEmpty(data.category)) invalid('CATEGORY_REQUIRED', '请选择事件类别');
  if (!nonEmpty(data.description)) invalid('DESCRIPTION_REQUIRED', '请填写事件描述');
  if (data.description.length > MAX_DESCRIPTION_LENGTH) {
    invalid('DESCRIPTION_TOO_LONG', `事件描述不能超过 ${MAX_DESCRIPTION_LENGTH} 字`);
  }
  if (!URGENCIES.includes(data.urgency)) invalid('INVALID_URGENCY', `紧急程度无效：${data.urgency}`);
  validateLocation(data.location);
  if (data.reporter) {
    if (data.reporter.phone !== undefined && !/^[0-9+\-() ]{3,32}$/.test(data.reporter.phone)) {
      invalid('INVALID_PHONE', '联系电话格式无效');
    }
  }
  const attachments = data.attachments ?? [];
  if (attachments.length > MAX_ATTACHMENTS) invalid('TOO_MANY_ATTACHMENTS', `附件不能超过 ${MAX_ATTACHMENTS} 个`);
  if (attachments.some((a) => !nonEmpty(a.ref))) invalid('INVALID_ATTACHMENT', '附件引用不能为空');
  if (data.gridId !== null && !nonEmpty(data.gridId)) invalid('INVALID_GRID', '网格编号无效');
}

function checkCaseId(command: GridCaseReportCommand, state: GridCaseReportState): void {
  if (state.status !== 'none' && command.data.caseId !== state.report.caseId) {
    throw new ValidationError('GRID_CASE_REPORT.CASE_ID_MISMATCH', '命令中的事件编号与事件流不符', {
      command: command.data.caseId,
      stream: state.report.caseId,
    });
  }
}

export function decide(command: GridCaseReportCommand, state: GridCaseReportState): GridCaseReportEvent[] {
  checkCaseId(command, state);
  if (state.status === 'none' && command.type !== 'ReportCase') {
    throw new NotFoundError('GRID_CASE_REPORT.NOT_FOUND', `事件 ${command.data.caseId} 不存在`, {
      caseId: command.data.caseId,
    });
  }
  const meta = command.meta;
  switch (command.type) {
    case 'ReportCase': {
      if (state.status !== 'none') {
        throw new IllegalStateError('GRID_CASE_REPORT.ALREADY_REPORTED', `事件 ${command.data.caseId} 已上报`, {
          caseId: command.data.caseId,
        });
      }
      const data = command.data;
      validateReport(data);
      if (data.channel === 'grid_worker' && meta.actor.role !== 'grid_worker') {
        throw new ForbiddenError('GRID_CASE_REPORT.FORBIDDEN_ROLE', '“网格员上报”渠道只能由网格员使用', {
          role: meta.actor.role,
        });
      }
      return [
        {
          type: 'CaseReported',
          data: {
            ...base(data.caseId, meta),
            channel: data.channel,
            category: data.category.trim(),
            description: data.description,
            location: data.location,
            urgency: data.urgency,
            ...(data.reporter ? { reporter: data.reporter } : {}),
            attachments: data.attachments ?? [],
            gridId: data.gridId,
          },
        },
      ];
    }
    case 'AcceptCase': {
      expectIn(command, state, ['reported']);
      requireOperator(command);
      return [{ type: 'CaseAccepted', data: base(command.data.caseId, meta) }];
    }
    case 'DeclineCase': {
      expectIn(command, state, ['reported']);
      requireOperator(command);
      requireReason(command);
      const { declineReason, duplicateOf, legalRoute } = command.data;
      if (!DECLINE_REASONS.includes(declineReason)) invalid('INVALID_DECLINE_REASON', `不予受理原因无效：${declineReason}`);
      if (declineReason === 'told_legal_route' && !nonEmpty(legalRoute)) {
        invalid('LEGAL_ROUTE_REQUIRED', '告知法定途径时须写明所告知的途径');
      }
      if (duplicateOf !== undefined && (!nonEmpty(duplicateOf) || duplicateOf === command.data.caseId)) {
        invalid('INVALID_DUPLICATE_OF', '重复事件须指向另一个事件');
      }
      return [
        {
          type: 'CaseDeclined',
          data: {
            ...base(command.data.caseId, meta),
            declineReason,
            ...(duplicateOf !== undefined ? { duplicateOf } : {}),
            ...(legalRoute !== undefined ? { legalRoute } : {}),
          },
        },
      ];
    }
    case 'FileCase': {
      const open = expectIn(command, state, ['reported', 'accepted']);
      requireOperator(command);
      const { level, category, urgency, gridId } = command.data;
      if (!CENTRE_LEVELS.includes(level)) invalid('INVALID_LEVEL', `综治中心层级无效：${level}`);
      if (category !== undefined && !nonEmpty(category)) invalid('CATEGORY_REQUIRED', '请选择事件类别');
      if (urgency !== undefined && !URGENCIES.includes(urgency)) invalid('INVALID_URGENCY', `紧急程度无效：${urgency}`);
      if (gridId !== undefined && gridId !== null && !nonEmpty(gridId)) invalid('INVALID_GRID', '网格编号无效');
      const accepted: GridCaseReportEvent[] = open.status === 'reported' ? [{ type: 'CaseAccepted', data: base(command.data.caseId, meta) }] : [];
      return [
        ...accepted,
        {
          type: 'CaseFiled',
          data: {
            ...base(command.data.caseId, meta),
            level,
            category: category?.trim() ?? open.report.category,
            urgency: urgency ?? open.report.urgency,
            gridId: gridId !== undefined ? gridId : open.report.gridId,
            location: open.report.location,
            channel: open.report.channel,
          },
        },
      ];
    }
    case 'MergeAsDuplicate': {
      expectIn(command, state, ['reported', 'accepted']);
      requireOperator(command);
      const { duplicateOf } = command.data;
      if (!nonEmpty(duplicateOf) || duplicateOf === command.data.caseId) {
        invalid('INVALID_DUPLICATE_OF', '重复事件须指向另一个事件');
      }
      return [{ type: 'CaseMerged', data: { ...base(command.data.caseId, meta), duplicateOf } }];
    }
    default:
      return assertNever(command, 'command');
  }
}

/** Never throws: an event that does not fit the state (which decide never produces) leaves it unchanged. */
export function evolve(state: GridCaseReportState, event: GridCaseReportEvent): GridCaseReportState {
  switch (event.type) {
    case 'CaseReported': {
      if (state.status !== 'none') return state;
      const { actor, at, caseId, reason: _reason, ...report } = event.data;
      return { status: 'reported', report: { ...report, caseId, reportedAt: at, reportedBy: actor } };
    }
    case 'CaseAccepted':
      return state.status === 'reported' ? { status: 'accepted', report: state.report, acceptedAt: event.data.at } : state;
    case 'CaseDeclined':
      if (state.status !== 'reported') return state;
      return {
        status: 'not_accepted',
        report: state.report,
        declinedAt: event.data.at,
        declineReason: event.data.declineReason,
        ...(event.data.duplicateOf !== undefined ? { duplicateOf: event.data.duplicateOf } : {}),
        ...(event.data.legalRoute !== undefined ? { legalRoute: event.data.legalRoute } : {}),
      };
    case 'CaseFiled':
      if (state.status !== 'accepted' && state.status !== 'reported') return state;
      return {
        status: 'filed',
        report: state.report,
        filedAt: event.data.at,
        level: event.data.level,
        category: event.data.category,
        urgency: event.data.urgency,
        gridId: event.data.gridId,
      };
    case 'CaseMerged':
      if (state.status !== 'accepted' && state.status !== 'reported') return state;
      return { status: 'merged_duplicate', report: state.report, duplicateOf: event.data.duplicateOf, mergedAt: event.data.at };
    default:
      return assertNever(event, 'event');
  }
}

export const initialState = (): GridCaseReportState => ({ status: 'none' });

/** The intake decider of a grid case (受理 / 不予受理 / 立案 / 合并). */
export const gridCaseReportDecider: Decider<GridCaseReportState, GridCaseReportCommand, GridCaseReportEvent> = {
  decide,
  evolve,
  initialState,
};

/** Alias used by the intake service. */
export const intakeDecider = gridCaseReportDecider;

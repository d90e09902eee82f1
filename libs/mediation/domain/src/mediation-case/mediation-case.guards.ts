import {
  Deadline,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  expectStatus as kernelExpectStatus,
  required as kernelRequired,
  requireInstant as kernelRequireInstant,
} from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { MediationCommandType } from './mediation-case.commands';
import { ClosedStatus, MediationEvent } from './mediation-case.events';
import {
  Agreement,
  EffectiveAgreement,
  MEDIATION_STATUS_LABELS,
  MediationCaseState,
  MediationStatus,
  RegisteredMediationCase,
  TrackedDeadline,
} from './mediation-case.state';

/** The mediation decider's guards, shared by its phases (the generic ones are the kernel's). */

type StateOf<K extends MediationStatus> = Extract<MediationCaseState, { status: K }>;

const COMMAND_LABELS: Record<MediationCommandType, string> = {
  RegisterDispute: '登记纠纷',
  RequestConsent: '征求当事人意见',
  RecordConsent: '记录当事人意见',
  DeclineMediation: '不予调解',
  NotifyRights: '告知权利义务',
  AddDossierItem: '归入卷宗材料',
  AssignMediator: '指定调解员',
  RecuseMediator: '调解员回避',
  RecordSession: '记录调解',
  ReportRisk: '报告激化风险',
  ExtendMediation: '延长调解期限',
  ReachAgreement: '达成调解协议',
  SignAgreement: '签署调解协议',
  TerminateMediation: '终止调解',
  RecordPerformance: '记录履行情况',
  ReportPerformanceFailure: '记录未履行',
  FileJudicialConfirmation: '申请司法确认',
  RecordJudicialConfirmationDecision: '记录司法确认结果',
  ResumeMediation: '重新调解',
  RecordFollowUpVisit: '记录回访',
  TransferCase: '移交调解委员会',
  ArchiveCase: '归档',
  WarnDeadline: '期限预警',
  BreachDeadline: '期限超期',
  ReviseDeadline: '按新日历修订期限',
};

/** Open statuses: everything after registration and before archiving. */
export const OPEN: readonly Exclude<MediationStatus, 'none' | 'archived'>[] = [
  'registered',
  'consent_pending',
  'declined',
  'accepted',
  'mediator_assigned',
  'mediating',
  'agreement_reached',
  'terminated',
  'performing',
  'performed',
  'performance_failed',
  'judicial_confirmation_filed',
  'confirmed',
  'not_confirmed',
];

/** Statuses in which mediation is under way (the mediation-duration clock runs). */
export const IN_MEDIATION = ['accepted', 'mediator_assigned', 'mediating'] as const;

export const BEFORE_ACCEPTANCE = ['registered', 'consent_pending'] as const;

export const CLOSED: readonly ClosedStatus[] = ['declined', 'terminated', 'performed', 'performance_failed', 'confirmed', 'not_confirmed'];

/** The kernel's `expectStatus` with the mediation case's labels: 409 MEDIATION.INVALID_STATE, or 404 before registration. */
export function expectStatus<K extends MediationStatus>(state: MediationCaseState, command: MediationCommandType, allowed: readonly K[]): StateOf<K> {
  return kernelExpectStatus(state, allowed, {
    code: 'MEDIATION.INVALID_STATE',
    noun: '案件',
    statusLabels: MEDIATION_STATUS_LABELS,
    command,
    commandLabel: COMMAND_LABELS[command],
    notFound: { code: 'MEDIATION.CASE_NOT_FOUND', message: '调解案件不存在或尚未登记' },
  });
}

export function required(value: string | undefined, field: string, label: string): void {
  kernelRequired(value, field, label, 'MEDIATION.FIELD_REQUIRED');
}

export function requireReason(stamp: AuditStamp, command: MediationCommandType): void {
  if (stamp.reason === undefined) {
    throw new ValidationError('MEDIATION.REASON_REQUIRED', `${COMMAND_LABELS[command]}须说明理由`, { command });
  }
}

export function requireKnownParties(state: RegisteredMediationCase, partyIds: readonly string[], field: string): void {
  const known = new Set(state.parties.map((p) => p.partyId));
  const unknown = partyIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ValidationError('MEDIATION.UNKNOWN_PARTY', `不是本案当事人：${unknown.join('、')}`, { field, unknown });
  }
}

export function requireNonEmpty(list: readonly string[], field: string, label: string): void {
  if (list.length === 0) throw new ValidationError('MEDIATION.FIELD_REQUIRED', `${label}不能为空`, { field });
  if (new Set(list).size !== list.length) {
    throw new ValidationError('MEDIATION.DUPLICATE_ENTRY', `${label}有重复`, { field });
  }
}

/** Parties of the case not in `partyIds`. */
export function missingParties(state: RegisteredMediationCase, partyIds: readonly string[]): string[] {
  const given = new Set(partyIds);
  return state.parties.map((p) => p.partyId).filter((id) => !given.has(id));
}

/** An instant given on a command must be a valid ISO instant, not after `now` and not before `notBefore` (the kernel's guard). */
export function requireInstant(value: string, field: string, stamp: AuditStamp, notBefore?: { at: string; what: string }): number {
  return kernelRequireInstant(value, { field, now: stamp.occurredAt, context: 'MEDIATION', ...(notBefore ? { notBefore } : {}) });
}

export function isEffective(agreement: Agreement | undefined): agreement is EffectiveAgreement {
  return agreement !== undefined && agreement.effectiveAt !== undefined && agreement.judicialConfirmationWindow !== undefined;
}

export function requireEffective(state: RegisteredMediationCase, command: MediationCommandType): EffectiveAgreement {
  if (!isEffective(state.agreement)) {
    throw new IllegalStateError('MEDIATION.AGREEMENT_NOT_EFFECTIVE', `调解协议尚未生效，不能${COMMAND_LABELS[command]}`, {
      command,
    });
  }
  return state.agreement;
}

export function activeDeadline(state: MediationCaseState, command: MediationCommandType): { caseId: string; tracked: TrackedDeadline } {
  if (state.status === 'none') {
    throw new NotFoundError('MEDIATION.CASE_NOT_FOUND', '调解案件不存在或尚未登记', { command });
  }
  if (!(IN_MEDIATION as readonly string[]).includes(state.status) || state.mediationDeadline === undefined) {
    throw new IllegalStateError('MEDIATION.DEADLINE_NOT_ACTIVE', '调解期限不在计时中', {
      command,
      status: state.status,
    });
  }
  return { caseId: state.caseId, tracked: state.mediationDeadline };
}

export function deadlineEvent(type: 'DeadlineWarned' | 'DeadlineBreached', caseId: string, deadline: Deadline, stamp: AuditStamp): MediationEvent {
  return {
    type,
    data: { caseId, kind: 'mediation_duration', deadline, ...stamp },
    ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
  };
}

import {
  assertNever,
  Deadline,
  DeadlineRule,
  expectStatus as kernelExpectStatus,
  IllegalStateError,
  NotFoundError,
  parseInstant,
  required as kernelRequired,
  requireInstant as kernelRequireInstant,
  ValidationError,
} from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { PetitionCommandType, PetitionDeadlineKind } from './petition.commands';
import { PetitionEvent } from './petition.events';
import { PETITION_STATUS_LABELS, PetitionState, PetitionStatus, RegisteredPetition, TrackedDeadline } from './petition.state';

/** The petition decider's guards and clock helpers, shared by its phases (the generic ones are the kernel's). */

type StateOf<K extends PetitionStatus> = Extract<PetitionState, { status: K }>;

const COMMAND_LABELS: Record<PetitionCommandType, string> = {
  RegisterPetition: '登记信访事项',
  TransferPetition: '转送',
  AssignPetition: '交办',
  ObjectToRouting: '提出异议',
  RuleOnObjection: '核实异议',
  NotifyAcceptance: '告知受理',
  RedirectPetitioner: '告知向有权机关提出',
  DirectToLegalProcedure: '导入法定途径',
  RejectAsRepeat: '按重复信访不予受理',
  StartHandling: '开始办理',
  ExtendHandling: '延长办理期限',
  StartHearing: '举行听证',
  EndHearing: '结束听证',
  RecordSettlement: '记录调解或和解',
  IssueOpinion: '出具信访处理意见书',
  DeliverOpinion: '送达处理意见',
  ClosePetition: '办结',
  RequestReview: '申请复查',
  StartReview: '开始复查',
  DecideReview: '出具复查意见',
  DeliverReviewDecision: '送达复查意见',
  RequestReReview: '申请复核',
  StartReReview: '开始复核',
  DecideReReview: '出具复核意见',
  SupervisePetition: '督办',
  WarnDeadline: '期限预警',
  BreachDeadline: '期限超期',
  ReviseDeadline: '按新日历修订期限',
};

export const ACTIVE: readonly Exclude<PetitionStatus, 'none' | 'closed' | 'terminated' | 'not_accepted'>[] = [
  'registered',
  'routed',
  'acceptance_notified',
  'handling',
  'opinion_issued',
  'delivered',
  'review_requested',
  'reviewing',
  'review_decided',
  're_review_requested',
  're_reviewing',
];

export const joinBases = (...bases: (string | false)[]): string => bases.filter((b): b is string => b !== false).join(';');

export function notFound(command: PetitionCommandType): never {
  throw new NotFoundError('PETITION.NOT_FOUND', '信访事项不存在或尚未登记', { command });
}

/** The kernel's `expectStatus` with the petition's labels: 409 PETITION.INVALID_STATE, or 404 before registration. */
export function expectStatus<K extends PetitionStatus>(state: PetitionState, command: PetitionCommandType, allowed: readonly K[]): StateOf<K> {
  return kernelExpectStatus(state, allowed, {
    code: 'PETITION.INVALID_STATE',
    noun: '信访事项',
    statusLabels: PETITION_STATUS_LABELS,
    command,
    commandLabel: COMMAND_LABELS[command],
    notFound: { code: 'PETITION.NOT_FOUND', message: '信访事项不存在或尚未登记' },
  });
}

export function required(value: string | undefined, field: string, label: string): void {
  kernelRequired(value, field, label, 'PETITION.FIELD_REQUIRED');
}

export function requireList(list: readonly string[], field: string, label: string): void {
  if (list.length === 0) throw new ValidationError('PETITION.FIELD_REQUIRED', `${label}不能为空`, { field });
  if (new Set(list).size !== list.length) {
    throw new ValidationError('PETITION.DUPLICATE_ENTRY', `${label}有重复`, { field });
  }
}

export function requireReason(stamp: AuditStamp, command: PetitionCommandType): void {
  if (stamp.reason === undefined) {
    throw new ValidationError('PETITION.REASON_REQUIRED', `${COMMAND_LABELS[command]}须说明理由`, { command });
  }
}

/** An instant given on a command: a valid ISO instant, not after `now`, not before `notBefore` (the kernel's guard). */
export function requireInstant(value: string, field: string, stamp: AuditStamp, notBefore?: { at: string; what: string }): number {
  return kernelRequireInstant(value, { field, now: stamp.occurredAt, context: 'PETITION', ...(notBefore ? { notBefore } : {}) });
}

/** The rule a recorded deadline was computed with, lengthened by `more` units. */
export function lengthened(deadline: Deadline, more: number, warnBefore: number | undefined): DeadlineRule {
  return {
    ruleId: deadline.ruleId,
    ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
    duration: deadline.duration + more,
    unit: deadline.unit,
    ...(warnBefore !== undefined ? { warnBefore } : {}),
  };
}

export function trackedOrFail(s: RegisteredPetition, kind: PetitionDeadlineKind): TrackedDeadline {
  const tracked = s.deadlines[kind];
  if (tracked === undefined) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_ACTIVE', '该期限未在计时', { kind });
  }
  return tracked;
}

export function requireInWindow(requestedMs: number, window: Deadline, code: string, what: string): void {
  if (requestedMs >= parseInstant(window.dueAt)) {
    throw new IllegalStateError(code, `${what}应当自收到书面答复之日起30日内提出，期限已于${window.lastDay ?? window.dueAt}届满`, {
      dueAt: window.dueAt,
      lastDay: window.lastDay,
      legalBasis: window.legalBasis,
    });
  }
}

/** Statuses in which each deadline runs. */
export function isRunning(kind: PetitionDeadlineKind, s: RegisteredPetition): boolean {
  switch (kind) {
    case 'routing':
      return s.status === 'registered' && s.receiverKind === 'petition_office';
    case 'acceptance_notice':
      return s.status === 'routed' || (s.status === 'registered' && s.receiverKind === 'handling_body');
    case 'assignment_report':
      return s.status === 'routed' || s.status === 'acceptance_notified' || s.status === 'handling';
    case 'handling':
      return s.status === 'acceptance_notified' || s.status === 'handling';
    case 'review':
      return s.status === 'review_requested' || s.status === 'reviewing';
    case 're_review':
      return s.status === 're_review_requested' || s.status === 're_reviewing';
    default:
      return assertNever(kind, 'deadline kind');
  }
}

export function runningDeadline(
  state: PetitionState,
  command: PetitionCommandType,
  kind: PetitionDeadlineKind,
): { petitionId: string; tracked: TrackedDeadline } {
  if (state.status === 'none') notFound(command);
  const tracked = state.deadlines[kind];
  if (tracked === undefined || !isRunning(kind, state)) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_ACTIVE', '该期限不在计时中', { command, kind, status: state.status });
  }
  if (tracked.pausedSince !== undefined) {
    throw new IllegalStateError('PETITION.DEADLINE_PAUSED', '听证期间期限暂停计算', { kind, pausedSince: tracked.pausedSince });
  }
  return { petitionId: state.petitionId, tracked };
}

export function deadlineEvent(
  type: 'DeadlineWarned' | 'DeadlineBreached',
  petitionId: string,
  kind: PetitionDeadlineKind,
  deadline: Deadline,
  stamp: AuditStamp,
): PetitionEvent {
  return {
    type,
    data: { petitionId, kind, deadline, ...stamp },
    ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
  };
}

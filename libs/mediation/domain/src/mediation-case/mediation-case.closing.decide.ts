import { IllegalStateError, isBreached, isWarningDue, parseInstant, ValidationError } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import {
  ArchiveCase,
  BreachMediationDeadline,
  FileJudicialConfirmation,
  RecordFollowUpVisit,
  RecordJudicialConfirmationDecision,
  RecordPerformance,
  ReportPerformanceFailure,
  ResumeMediation,
  TransferCase,
  WarnMediationDeadline,
} from './mediation-case.commands';
import { MediationEvent } from './mediation-case.events';
import { DOSSIER_ITEMS, DOSSIER_ITEM_LABELS, MEDIATION_LEGAL_BASIS as LB, requiredDossierItems } from './mediation-case.rules';
import { MediationCaseState } from './mediation-case.state';
import {
  BEFORE_ACCEPTANCE,
  CLOSED,
  IN_MEDIATION,
  activeDeadline,
  deadlineEvent,
  expectStatus,
  missingParties,
  requireEffective,
  requireInstant,
  requireKnownParties,
  requireNonEmpty,
  requireReason,
  required,
} from './mediation-case.guards';

/** decide, after the agreement: performance, judicial confirmation (§33), resumption, follow-up visits, transfer, archiving, and the scheduler's warnings and breaches. */

export function recordPerformance(command: RecordPerformance, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['agreement_reached', 'performing', 'judicial_confirmation_filed', 'confirmed', 'not_confirmed']);
  requireEffective(s, command.type);
  const { complete, description, evidenceRef } = command.data;
  required(description, 'description', '履行情况');
  return [
    {
      type: 'PerformanceRecorded',
      data: { caseId: s.caseId, complete, description, ...(evidenceRef !== undefined ? { evidenceRef } : {}), ...stamp },
      legalBasis: LB.performanceSupervision,
    },
  ];
}

export function reportPerformanceFailure(command: ReportPerformanceFailure, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['agreement_reached', 'performing', 'confirmed', 'not_confirmed']);
  requireEffective(s, command.type);
  const { defaultingPartyIds, description } = command.data;
  requireNonEmpty(defaultingPartyIds, 'defaultingPartyIds', '未履行的当事人');
  requireKnownParties(s, defaultingPartyIds, 'defaultingPartyIds');
  required(description, 'description', '未履行情况');
  const confirmed = s.status === 'confirmed';
  return [
    {
      type: 'PerformanceFailed',
      data: {
        caseId: s.caseId,
        defaultingPartyIds,
        description,
        routesTold: confirmed ? ['enforcement'] : ['litigation'],
        ...stamp,
      },
      legalBasis: confirmed ? LB.judicialConfirmationDecision : LB.performanceDispute,
    },
  ];
}

export function fileJudicialConfirmation(command: FileJudicialConfirmation, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['agreement_reached', 'performing']);
  const agreement = requireEffective(s, command.type);
  const { courtId, filedAt, applicantPartyIds, documentRef } = command.data;
  required(courtId, 'courtId', '人民法院');
  requireKnownParties(s, applicantPartyIds, 'applicantPartyIds');
  const absent = missingParties(s, applicantPartyIds);
  if (absent.length > 0) {
    throw new ValidationError('MEDIATION.JOINT_APPLICATION_REQUIRED', '司法确认须由双方当事人共同申请', { absent });
  }
  const filedMs = requireInstant(filedAt, 'filedAt', stamp, { at: agreement.effectiveAt, what: '协议生效时间' });
  const window = agreement.judicialConfirmationWindow;
  if (filedMs >= parseInstant(window.dueAt)) {
    throw new IllegalStateError(
      'MEDIATION.JUDICIAL_CONFIRMATION_WINDOW_CLOSED',
      `申请司法确认应自调解协议生效之日起三十日内提出，期限已于${window.lastDay ?? window.dueAt}届满`,
      { filedAt, dueAt: window.dueAt, lastDay: window.lastDay, legalBasis: window.legalBasis },
    );
  }
  return [
    {
      type: 'JudicialConfirmationFiled',
      data: {
        caseId: s.caseId,
        courtId,
        filedAt,
        applicantPartyIds,
        windowDueAt: window.dueAt,
        ...(documentRef !== undefined ? { documentRef } : {}),
        ...stamp,
      },
      legalBasis: LB.judicialConfirmation,
    },
  ];
}

export function recordJudicialConfirmationDecision(
  command: RecordJudicialConfirmationDecision,
  state: MediationCaseState,
  stamp: AuditStamp,
): MediationEvent[] {
  const s = expectStatus(state, command.type, ['judicial_confirmation_filed']);
  const { confirmed, decidedAt, rulingRef } = command.data;
  required(rulingRef, 'rulingRef', '裁定书');
  requireInstant(decidedAt, 'decidedAt', stamp, { at: s.judicialConfirmation.filedAt, what: '申请时间' });
  return [
    {
      type: 'JudicialConfirmationDecided',
      data: { caseId: s.caseId, confirmed, decidedAt, rulingRef, ...stamp },
      legalBasis: LB.judicialConfirmationDecision,
    },
  ];
}

export function resumeMediation(command: ResumeMediation, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['not_confirmed']);
  return [{ type: 'MediationResumed', data: { caseId: s.caseId, ...stamp }, legalBasis: LB.judicialConfirmationDecision }];
}

export function recordFollowUpVisit(command: RecordFollowUpVisit, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [
    'agreement_reached',
    'performing',
    'performed',
    'performance_failed',
    'judicial_confirmation_filed',
    'confirmed',
    'not_confirmed',
    'terminated',
  ]);
  if (s.status === 'agreement_reached') requireEffective(s, command.type);
  const { visitedPartyIds, performanceSatisfactory, reescalationRisk, recordRef } = command.data;
  requireNonEmpty(visitedPartyIds, 'visitedPartyIds', '回访对象');
  requireKnownParties(s, visitedPartyIds, 'visitedPartyIds');
  return [
    {
      type: 'FollowUpVisited',
      data: {
        caseId: s.caseId,
        visitedPartyIds,
        performanceSatisfactory,
        reescalationRisk,
        ...(recordRef !== undefined ? { recordRef } : {}),
        ...stamp,
      },
    },
  ];
}

export function transferCase(command: TransferCase, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [...BEFORE_ACCEPTANCE, ...IN_MEDIATION]);
  const { toCommitteeId, toLevel } = command.data;
  required(toCommitteeId, 'toCommitteeId', '接收的调解委员会');
  if (toCommitteeId === s.committeeId) {
    throw new ValidationError('MEDIATION.SAME_COMMITTEE', '不能移交给本调解委员会', { toCommitteeId });
  }
  requireReason(stamp, command.type);
  return [
    {
      type: 'CaseTransferred',
      data: {
        caseId: s.caseId,
        fromCommitteeId: s.committeeId,
        fromLevel: s.committeeLevel,
        toCommitteeId,
        toLevel,
        releasedMediatorIds: s.mediatorIds,
        ...stamp,
      },
    },
  ];
}

export function archiveCase(command: ArchiveCase, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, CLOSED);
  const present = new Set(s.dossier.map((d) => d.item));
  const needed = requiredDossierItems({
    accepted: s.acceptedAt !== undefined,
    sessionsHeld: s.sessionIds.length > 0,
    agreementReached: s.agreement !== undefined,
  });
  const missing = needed.filter((item) => !present.has(item));
  if (missing.length > 0) {
    throw new IllegalStateError('MEDIATION.DOSSIER_INCOMPLETE', `卷宗材料不全，不能归档：缺少${missing.map((m) => DOSSIER_ITEM_LABELS[m]).join('、')}`, {
      missing,
    });
  }
  return [
    {
      type: 'CaseArchived',
      data: {
        caseId: s.caseId,
        closedAs: s.status,
        dossierItems: DOSSIER_ITEMS.filter((i) => present.has(i)),
        ...stamp,
      },
      legalBasis: LB.records,
    },
  ];
}

export function warnDeadline(command: WarnMediationDeadline, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const { caseId, tracked } = activeDeadline(state, command.type);
  if (tracked.warned || tracked.breached) return []; // a redelivered or late timer: nothing new to record
  const { deadline } = tracked;
  if (deadline.warnAt === undefined) {
    throw new IllegalStateError('MEDIATION.DEADLINE_HAS_NO_WARNING', '该期限未设置预警', { ruleId: deadline.ruleId });
  }
  if (!isWarningDue(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('MEDIATION.DEADLINE_NOT_DUE', `尚未到预警时间（${deadline.warnAt}）`, {
      warnAt: deadline.warnAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineWarned', caseId, deadline, stamp)];
}

export function breachDeadline(command: BreachMediationDeadline, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const { caseId, tracked } = activeDeadline(state, command.type);
  if (tracked.breached) return [];
  const { deadline } = tracked;
  if (!isBreached(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('MEDIATION.DEADLINE_NOT_DUE', `尚未到期（${deadline.dueAt}）`, {
      dueAt: deadline.dueAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineBreached', caseId, deadline, stamp)];
}

// ---------------------------------------------------------------------------------------------
// evolve — never throws; an event that does not fit the state leaves it unchanged.

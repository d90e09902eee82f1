import { computeDeadline, IllegalStateError, isBreached, isWarningDue, ValidationError } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import {
  BreachPetitionDeadline,
  DecideReReview,
  DecideReview,
  DeliverReviewDecision,
  RequestReReview,
  RequestReview,
  ReviewDecisionData,
  StartReReview,
  StartReview,
  SupervisePetition,
  WarnPetitionDeadline,
} from './petition.commands';
import { PetitionEvent } from './petition.events';
import { PETITION_LEGAL_BASIS as LB } from './petition.rules';
import { PetitionState } from './petition.state';
import type { PetitionDeciderDeps } from './petition.decider';
import { ACTIVE, deadlineEvent, expectStatus, requireInWindow, requireInstant, requireList, required, runningDeadline } from './petition.guards';
import { OUTCOMES } from './petition.handling.decide';

/** decide, review phases (§35–§36), supervision (§43) and the scheduler's warnings and breaches. */

export function requestReview(command: RequestReview, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['delivered']);
  const { requestedAt, reviewingUnitId } = command.data;
  required(reviewingUnitId, 'reviewingUnitId', '复查机关');
  if (reviewingUnitId === s.handlingUnitId) {
    throw new ValidationError('PETITION.SAME_UNIT', '复查由原办理机关、单位的上一级机关、单位进行', { reviewingUnitId });
  }
  const ms = requireInstant(requestedAt, 'requestedAt', stamp, { at: s.delivery.receivedAt, what: '收到处理意见的时间' });
  requireInWindow(ms, s.reviewRequestWindow, 'PETITION.REVIEW_WINDOW_CLOSED', '复查请求');
  return [
    {
      type: 'ReviewRequested',
      data: {
        petitionId: s.petitionId,
        requestedAt,
        reviewingUnitId,
        reviewDeadline: computeDeadline(deps.rules.review, requestedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.review,
    },
  ];
}

export function startReview(command: StartReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['review_requested']);
  return [{ type: 'ReviewStarted', data: { petitionId: s.petitionId, reviewingUnitId: s.review.unitId, ...stamp }, legalBasis: LB.review }];
}

function validateDecision(d: ReviewDecisionData): ReviewDecisionData {
  if (d.outcome !== 'upheld' && d.outcome !== 'revised') {
    throw new ValidationError('PETITION.INVALID_DECISION', `复查（复核）结论无效：${String(d.outcome)}`, { outcome: d.outcome });
  }
  if (d.outcome === 'revised' && (d.revisedOutcome === undefined || !OUTCOMES.includes(d.revisedOutcome))) {
    throw new ValidationError('PETITION.INVALID_DECISION', '变更原处理意见的，应当写明新的处理意见', { outcome: d.outcome });
  }
  if (d.outcome === 'upheld' && d.revisedOutcome !== undefined) {
    throw new ValidationError('PETITION.INVALID_DECISION', '维持原处理意见的，不应另写处理意见', { outcome: d.outcome });
  }
  required(d.reasons, 'reasons', '理由');
  required(d.documentRef, 'documentRef', '书面意见');
  return {
    outcome: d.outcome,
    ...(d.revisedOutcome !== undefined ? { revisedOutcome: d.revisedOutcome } : {}),
    reasons: d.reasons,
    documentRef: d.documentRef,
  };
}

export function decideReview(command: DecideReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['reviewing']);
  return [{ type: 'ReviewDecided', data: { petitionId: s.petitionId, ...validateDecision(command.data), ...stamp }, legalBasis: LB.review }];
}

export function deliverReviewDecision(command: DeliverReviewDecision, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['review_decided']);
  if (s.review.decisionReceivedAt !== undefined) {
    throw new IllegalStateError('PETITION.ALREADY_DELIVERED', '复查意见已送达', { receivedAt: s.review.decisionReceivedAt });
  }
  const decidedAt = s.review.decision?.decidedAt ?? s.review.requestedAt;
  const { receivedAt } = command.data;
  requireInstant(receivedAt, 'receivedAt', stamp, { at: decidedAt, what: '出具复查意见的时间' });
  return [
    {
      type: 'ReviewDecisionDelivered',
      data: {
        petitionId: s.petitionId,
        receivedAt,
        reReviewRequestWindow: computeDeadline(deps.rules.reReviewRequestWindow, receivedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.reReview,
    },
  ];
}

export function requestReReview(command: RequestReReview, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['review_decided']);
  const window = s.review.nextWindow;
  if (window === undefined || s.review.decisionReceivedAt === undefined) {
    throw new IllegalStateError('PETITION.REVIEW_DECISION_NOT_DELIVERED', '复查意见尚未送达，不能申请复核', {});
  }
  const { requestedAt, reReviewingUnitId } = command.data;
  required(reReviewingUnitId, 'reReviewingUnitId', '复核机关');
  if (reReviewingUnitId === s.review.unitId) {
    throw new ValidationError('PETITION.SAME_UNIT', '复核由复查机关、单位的上一级机关、单位进行', { reReviewingUnitId });
  }
  const ms = requireInstant(requestedAt, 'requestedAt', stamp, { at: s.review.decisionReceivedAt, what: '收到复查意见的时间' });
  requireInWindow(ms, window, 'PETITION.RE_REVIEW_WINDOW_CLOSED', '复核请求');
  return [
    {
      type: 'ReReviewRequested',
      data: {
        petitionId: s.petitionId,
        requestedAt,
        reReviewingUnitId,
        reReviewDeadline: computeDeadline(deps.rules.reReview, requestedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.reReview,
    },
  ];
}

export function startReReview(command: StartReReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['re_review_requested']);
  return [
    {
      type: 'ReReviewStarted',
      data: { petitionId: s.petitionId, reReviewingUnitId: s.reReview.unitId, ...stamp },
      legalBasis: LB.reReview,
    },
  ];
}

export function decideReReview(command: DecideReReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['re_reviewing']);
  if (s.hearing !== undefined) {
    throw new IllegalStateError('PETITION.HEARING_IN_PROGRESS', '听证尚未结束，不能出具复核意见', { hearingId: s.hearing.hearingId });
  }
  return [
    {
      type: 'ReReviewDecided',
      data: {
        petitionId: s.petitionId,
        ...validateDecision(command.data),
        publicised: command.data.publicised,
        ...stamp,
      },
      legalBasis: LB.reReview,
    },
  ];
}

export function supervisePetition(command: SupervisePetition, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ACTIVE);
  const { supervisingUnitId, form, grounds } = command.data;
  required(supervisingUnitId, 'supervisingUnitId', '督办单位');
  requireList(grounds, 'grounds', '督办事由');
  return [
    {
      type: 'PetitionSupervised',
      data: { petitionId: s.petitionId, supervisingUnitId, form, grounds, ...stamp },
      legalBasis: LB.supervision,
    },
  ];
}

export function warnDeadline(command: WarnPetitionDeadline, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const kind = command.data.deadline;
  const { petitionId, tracked } = runningDeadline(state, command.type, kind);
  if (tracked.warned || tracked.breached) return []; // redelivered or late timer: nothing new to record
  const { deadline } = tracked;
  if (deadline.warnAt === undefined) {
    throw new IllegalStateError('PETITION.DEADLINE_HAS_NO_WARNING', '该期限未设置预警', { kind });
  }
  if (!isWarningDue(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_DUE', `尚未到预警时间（${deadline.warnAt}）`, {
      kind,
      warnAt: deadline.warnAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineWarned', petitionId, kind, deadline, stamp)];
}

export function breachDeadline(command: BreachPetitionDeadline, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const kind = command.data.deadline;
  const { petitionId, tracked } = runningDeadline(state, command.type, kind);
  if (tracked.breached) return [];
  const { deadline } = tracked;
  if (!isBreached(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_DUE', `尚未到期（${deadline.dueAt}）`, {
      kind,
      dueAt: deadline.dueAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineBreached', petitionId, kind, deadline, stamp)];
}

// ---------------------------------------------------------------------------------------------
// evolve — never throws; an event that does not fit the state leaves it unchanged.

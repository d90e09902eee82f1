import {
  computeDeadline,
  Deadline,
  IllegalStateError,
  isBreached,
  parseInstant,
  ValidationError,
  WorkingCalendar,
  workingMinutesBetween,
  workingPeriodsOf,
} from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import {
  ClosePetition,
  DeliverOpinion,
  EndHearing,
  ExtendHandling,
  IssueOpinion,
  OpinionOutcome,
  RecordSettlement,
  StartHandling,
  StartHearing,
} from './petition.commands';
import { PetitionEvent } from './petition.events';
import { PETITION_LEGAL_BASIS as LB } from './petition.rules';
import { PetitionState } from './petition.state';
import type { PetitionDeciderDeps } from './petition.decider';
import { expectStatus, lengthened, requireInstant, requireList, requireReason, required, trackedOrFail } from './petition.guards';

/** decide, handling phase: handling starts, extensions (§34 ¶2), hearings (§36 excluded time), settlements, the opinion and its delivery, closing. */

export function startHandling(command: StartHandling, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['acceptance_notified']);
  requireList(command.data.handlerIds, 'handlerIds', '承办人');
  return [{ type: 'HandlingStarted', data: { petitionId: s.petitionId, handlerIds: command.data.handlerIds, ...stamp } }];
}

export function extendHandling(command: ExtendHandling, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling']);
  const { extendBy, approvedBy } = command.data;
  if (!(Number.isInteger(extendBy) && extendBy > 0)) {
    throw new ValidationError('PETITION.INVALID_EXTENSION', '延长期限须为正整数', { extendBy });
  }
  // §34: extensions may be granted more than once while they add up to at most 30 days
  const max = deps.rules.maxHandlingExtension;
  const already = s.extension?.extendBy ?? 0;
  if (already + extendBy > max) {
    throw new ValidationError(
      'PETITION.EXTENSION_TOO_LONG',
      already > 0 ? `已延长${already}日，累计延长不得超过${max}日（信访工作条例第三十四条）` : `延长期限不得超过${max}日（信访工作条例第三十四条）`,
      already > 0 ? { extendBy, max, alreadyExtended: already } : { extendBy, max },
    );
  }
  // an extension is granted within the handling period, not after it has run out
  const running = trackedOrFail(s, 'handling').deadline;
  if (isBreached(running, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.HANDLING_PERIOD_EXPIRED', `办理期限已于 ${running.dueAt} 届满，不能再延长（信访工作条例第三十四条）`, {
      dueAt: running.dueAt,
      now: stamp.occurredAt,
    });
  }
  required(approvedBy, 'approvedBy', '批准延期的负责人');
  requireReason(stamp, command.type);
  const current = trackedOrFail(s, 'handling').deadline;
  const handlingDeadline = computeDeadline(lengthened(current, extendBy, deps.rules.handling.warnBefore), current.startAt, deps.calendar);
  return [
    {
      type: 'HandlingExtended',
      data: { petitionId: s.petitionId, extendBy, approvedBy, previousDueAt: current.dueAt, handlingDeadline, ...stamp },
      legalBasis: LB.handling,
    },
  ];
}

export function startHearing(command: StartHearing, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling', 're_reviewing']);
  if (s.hearing !== undefined) {
    throw new IllegalStateError('PETITION.HEARING_IN_PROGRESS', '听证尚未结束', { hearingId: s.hearing.hearingId });
  }
  required(command.data.hearingId, 'hearingId', '听证编号');
  const stage = s.status === 'handling' ? 'handling' : 're_review';
  return [
    {
      type: 'HearingStarted',
      data: { petitionId: s.petitionId, hearingId: command.data.hearingId, stage, ...stamp },
      legalBasis: stage === 'handling' ? LB.hearing : LB.reReview,
    },
  ];
}

/**
 * Days a hearing actually took (§36 ¶2: hearing time is not counted), from its start and end
 * instants rather than both calendar dates: in calendar days the elapsed time rounded up to whole
 * days (a hearing from 14:00 to 10:00 the next morning is 1 day); in working days the working time
 * it spent rounded up to whole working days.
 */
function hearingDays(startedAt: string, endedAt: string, deadline: Deadline, calendar: WorkingCalendar): number {
  const from = parseInstant(startedAt);
  const to = parseInstant(endedAt);
  if (to <= from) return 0;
  if (deadline.unit !== 'working_days') return Math.ceil((to - from) / 86_400_000);
  const perDay = workingPeriodsOf(calendar).reduce((sum, p) => sum + (p.end - p.start), 0);
  return perDay > 0 ? Math.ceil(workingMinutesBetween(from, to, calendar) / perDay) : 0;
}

export function endHearing(command: EndHearing, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling', 're_reviewing']);
  const { hearingId, recordRef } = command.data;
  if (s.hearing === undefined || s.hearing.hearingId !== hearingId) {
    throw new IllegalStateError('PETITION.NO_HEARING_IN_PROGRESS', '该听证未在进行', { hearingId });
  }
  required(recordRef, 'recordRef', '听证记录');
  const base = { petitionId: s.petitionId, hearingId, startedAt: s.hearing.startedAt, recordRef };
  if (s.hearing.stage === 'handling') {
    return [{ type: 'HearingEnded', data: { ...base, stage: 'handling', ...stamp }, legalBasis: LB.hearing }];
  }
  // §36 ¶2: hearing time is not counted in the 30 days of the re-review
  const current = trackedOrFail(s, 're_review').deadline;
  const excludedDays = hearingDays(s.hearing.startedAt, stamp.occurredAt, current, deps.calendar);
  const reReviewDeadline = computeDeadline(lengthened(current, excludedDays, deps.rules.reReview.warnBefore), current.startAt, deps.calendar);
  return [
    {
      type: 'HearingEnded',
      data: { ...base, stage: 're_review', excludedDays, reReviewDeadline, ...stamp },
      legalBasis: LB.reReview,
    },
  ];
}

export function recordSettlement(command: RecordSettlement, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling']);
  const { kind, consentingPartyIds, documentRef } = command.data;
  requireList(consentingPartyIds, 'consentingPartyIds', '同意调解或和解的当事人');
  required(documentRef, 'documentRef', '调解协议书或和解协议书');
  return [
    {
      type: 'SettlementRecorded',
      data: { petitionId: s.petitionId, kind, consentingPartyIds, documentRef, ...stamp },
      legalBasis: LB.settlement,
    },
  ];
}

export const OUTCOMES: readonly OpinionOutcome[] = ['support', 'explain', 'not_support'];

export function issueOpinion(command: IssueOpinion, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling']);
  if (s.hearing !== undefined) {
    throw new IllegalStateError('PETITION.HEARING_IN_PROGRESS', '听证尚未结束，不能出具处理意见', { hearingId: s.hearing.hearingId });
  }
  const d = command.data;
  if (!OUTCOMES.includes(d.outcome)) {
    throw new ValidationError('PETITION.INVALID_OUTCOME', `处理意见无效：${String(d.outcome)}（应为予以支持、解释说明或不予支持）`, {
      outcome: d.outcome,
    });
  }
  const missing = (['request', 'factsAndReasons', 'legalBasisCited'] as const).filter((f) => d[f].trim() === '');
  if (missing.length > 0) {
    throw new ValidationError('PETITION.OPINION_INCOMPLETE', '信访处理意见书应当载明投诉请求、事实和理由、处理意见及其法律法规依据（信访工作条例第三十二条）', {
      missing,
    });
  }
  required(d.documentRef, 'documentRef', '信访处理意见书');
  return [
    {
      type: 'OpinionIssued',
      data: {
        petitionId: s.petitionId,
        outcome: d.outcome,
        request: d.request,
        factsAndReasons: d.factsAndReasons,
        legalBasisCited: d.legalBasisCited,
        documentRef: d.documentRef,
        ...stamp,
      },
      legalBasis: LB.opinion,
    },
  ];
}

export function deliverOpinion(command: DeliverOpinion, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['opinion_issued']);
  const { receivedAt, method } = command.data;
  requireInstant(receivedAt, 'receivedAt', stamp, { at: s.opinion.issuedAt, what: '出具处理意见的时间' });
  return [
    {
      type: 'OpinionDelivered',
      data: {
        petitionId: s.petitionId,
        receivedAt,
        method,
        reviewRequestWindow: computeDeadline(deps.rules.reviewRequestWindow, receivedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.review,
    },
  ];
}

export function closePetition(command: ClosePetition, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['delivered', 'review_decided']);
  if (s.status === 'delivered') {
    const window = s.reviewRequestWindow;
    if (!isBreached(window, stamp.occurredAt)) {
      throw new IllegalStateError('PETITION.REVIEW_WINDOW_OPEN', `复查申请期限至${window.lastDay ?? window.dueAt}届满，届满前不能办结`, {
        dueAt: window.dueAt,
      });
    }
    return [
      {
        type: 'PetitionClosed',
        data: { petitionId: s.petitionId, after: 'opinion', windowDueAt: window.dueAt, ...stamp },
        legalBasis: LB.review,
      },
    ];
  }
  const window = s.review.nextWindow;
  if (window === undefined) {
    throw new IllegalStateError('PETITION.REVIEW_DECISION_NOT_DELIVERED', '复查意见尚未送达', {});
  }
  if (!isBreached(window, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.RE_REVIEW_WINDOW_OPEN', `复核申请期限至${window.lastDay ?? window.dueAt}届满，届满前不能办结`, {
      dueAt: window.dueAt,
    });
  }
  return [
    {
      type: 'PetitionClosed',
      data: { petitionId: s.petitionId, after: 'review', windowDueAt: window.dueAt, ...stamp },
      legalBasis: LB.reReview,
    },
  ];
}

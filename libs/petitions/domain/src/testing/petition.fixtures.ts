import { Actor, CommandMeta, Deadline } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { PetitionCommand } from '../petition/petition.commands';
import { PetitionEvent } from '../petition/petition.events';
import { PETITION_LEGAL_BASIS as LB } from '../petition/petition.rules';

/** Test data for the petition specs: events are built by hand, deadlines are literal values. */
export const PETITION_ID = 'petition-0001';
export const OFFICE = 'petition-office-district';
export const BUREAU = 'housing-bureau';
export const CITY = 'city-government';
export const PROVINCE = 'province-government';
export const PETITIONER = 'petitioner-1';

export const officer: Actor = { userId: 'u-officer-1', role: 'petition_officer', unitId: OFFICE };
export const scheduler: Actor = { userId: 'scheduler', role: 'system', unitId: 'district' };

export function meta(now: string, opts: { actor?: Actor; reason?: string } = {}): CommandMeta {
  return { actor: opts.actor ?? officer, now, ...(opts.reason !== undefined ? { reason: opts.reason } : {}) };
}

export function stamp(at: string, opts: { actor?: Actor; reason?: string } = {}): AuditStamp {
  return { actor: opts.actor ?? officer, occurredAt: at, ...(opts.reason !== undefined ? { reason: opts.reason } : {}) };
}

export function cmd<C extends PetitionCommand>(type: C['type'], data: C['data'], m: CommandMeta): C {
  return { type, data, meta: m } as C;
}

const CN = { calendarId: 'CN', calendarVersion: '2026-1' } as const;

/** Business times of the main journey (Beijing time, 2025). */
export const T = {
  received: '2025-06-03T09:00:00+08:00',
  registered: '2025-06-03T10:00:00+08:00',
  routed: '2025-06-05T10:00:00+08:00',
  accepted: '2025-06-10T10:00:00+08:00',
  handlingStarted: '2025-06-11T09:00:00+08:00',
  extended: '2025-07-25T10:00:00+08:00',
  opinion: '2025-07-30T10:00:00+08:00',
  delivered: '2025-08-01T10:00:00+08:00',
  reviewRequested: '2025-08-20T10:00:00+08:00',
  reviewStarted: '2025-08-21T09:00:00+08:00',
  reviewDecided: '2025-09-10T10:00:00+08:00',
  reviewDelivered: '2025-09-12T10:00:00+08:00',
  reReviewRequested: '2025-09-20T10:00:00+08:00',
  reReviewStarted: '2025-09-22T09:00:00+08:00',
  reReviewDecided: '2025-10-15T10:00:00+08:00',
} as const;

/** Deadlines of the main journey, worked out by hand on the national calendar. */
export const D = {
  /** received Tue 06-03: day 15 is Wed 06-18 (§22) */
  routing: {
    ruleId: 'petition.routing',
    legalBasis: LB.routing,
    duration: 15,
    unit: 'calendar_days',
    startAt: '2025-06-03T01:00:00.000Z',
    dueAt: '2025-06-18T16:00:00.000Z',
    warnAt: '2025-06-15T16:00:00.000Z',
    lastDay: '2025-06-18',
    ...CN,
  } as Deadline,
  /** transferred Thu 06-05: day 15 is Fri 06-20 (§23) */
  acceptanceNotice: {
    ruleId: 'petition.acceptance_notice',
    legalBasis: LB.acceptance,
    duration: 15,
    unit: 'calendar_days',
    startAt: '2025-06-05T02:00:00.000Z',
    dueAt: '2025-06-20T16:00:00.000Z',
    warnAt: '2025-06-17T16:00:00.000Z',
    lastDay: '2025-06-20',
    ...CN,
  } as Deadline,
  /** transferred Thu 06-05: 5 working days → 06-06, 06-09, 06-10, 06-11, 06-12 (§23) */
  objectionWindow: {
    ruleId: 'petition.objection_window',
    legalBasis: LB.acceptance,
    duration: 5,
    unit: 'working_days',
    startAt: '2025-06-05T02:00:00.000Z',
    dueAt: '2025-06-12T16:00:00.000Z',
    lastDay: '2025-06-12',
    ...CN,
  } as Deadline,
  /** accepted Tue 06-10: day 60 is Sat 08-09 → Mon 08-11 (§34) */
  handling: {
    ruleId: 'petition.handling',
    legalBasis: LB.handling,
    duration: 60,
    unit: 'calendar_days',
    startAt: '2025-06-10T02:00:00.000Z',
    dueAt: '2025-08-11T16:00:00.000Z',
    warnAt: '2025-08-01T16:00:00.000Z',
    lastDay: '2025-08-11',
    shiftedFrom: '2025-08-09',
    ...CN,
  } as Deadline,
  /** opinion received Fri 08-01: day 30 is Sun 08-31 → Mon 09-01 (§35) */
  reviewRequestWindow: {
    ruleId: 'petition.review_request_window',
    legalBasis: LB.review,
    duration: 30,
    unit: 'calendar_days',
    startAt: '2025-08-01T02:00:00.000Z',
    dueAt: '2025-09-01T16:00:00.000Z',
    lastDay: '2025-09-01',
    shiftedFrom: '2025-08-31',
    ...CN,
  } as Deadline,
  /** review requested Wed 08-20: day 30 is Fri 09-19 (§35) */
  review: {
    ruleId: 'petition.review',
    legalBasis: LB.review,
    duration: 30,
    unit: 'calendar_days',
    startAt: '2025-08-20T02:00:00.000Z',
    dueAt: '2025-09-19T16:00:00.000Z',
    warnAt: '2025-09-14T16:00:00.000Z',
    lastDay: '2025-09-19',
    ...CN,
  } as Deadline,
  /** review opinion received Fri 09-12: day 30 is Sun 10-12 → Mon 10-13 (§36) */
  reReviewRequestWindow: {
    ruleId: 'petition.re_review_request_window',
    legalBasis: LB.reReview,
    duration: 30,
    unit: 'calendar_days',
    startAt: '2025-09-12T02:00:00.000Z',
    dueAt: '2025-10-13T16:00:00.000Z',
    lastDay: '2025-10-13',
    shiftedFrom: '2025-10-12',
    ...CN,
  } as Deadline,
  /** re-review requested Sat 09-20: day 30 is Mon 10-20 (§36) */
  reReview: {
    ruleId: 'petition.re_review',
    legalBasis: LB.reReview,
    duration: 30,
    unit: 'calendar_days',
    startAt: '2025-09-20T02:00:00.000Z',
    dueAt: '2025-10-20T16:00:00.000Z',
    warnAt: '2025-10-15T16:00:00.000Z',
    lastDay: '2025-10-20',
    ...CN,
  } as Deadline,
};

type Data<T extends PetitionEvent['type']> = Extract<PetitionEvent, { type: T }>['data'];

export const ev = {
  registered: (over: Partial<Data<'PetitionRegistered'>> = {}, legalBasis = '信访工作条例§17;信访工作条例§22'): PetitionEvent => ({
    type: 'PetitionRegistered',
    data: {
      petitionId: PETITION_ID,
      channel: 'letter',
      receivedAt: T.received,
      receivingUnitId: OFFICE,
      receiverKind: 'petition_office',
      petitionerIds: [PETITIONER],
      summary: '反映小区加装电梯补贴未兑现',
      form: 'written',
      routingDeadline: D.routing,
      ...stamp(T.registered),
      ...over,
    },
    legalBasis,
  }),
  transferred: (at: string = T.routed): PetitionEvent => ({
    type: 'PetitionTransferred',
    data: {
      petitionId: PETITION_ID,
      toUnitId: BUREAU,
      route: 'competent_body',
      acceptanceNoticeDeadline: D.acceptanceNotice,
      objectionWindow: D.objectionWindow,
      ...stamp(at),
    },
    legalBasis: LB.routing,
  }),
  objected: (at = '2025-06-09T10:00:00+08:00'): PetitionEvent => ({
    type: 'RoutingObjected',
    data: {
      petitionId: PETITION_ID,
      unitId: BUREAU,
      objectionWindowDueAt: D.objectionWindow.dueAt,
      ...stamp(at, { reason: '补贴由街道发放，不属本局职权' }),
    },
    legalBasis: LB.acceptance,
  }),
  acceptanceNotified: (at: string = T.accepted, handlingDeadline: Deadline = D.handling): PetitionEvent => ({
    type: 'AcceptanceNotified',
    data: { petitionId: PETITION_ID, handlingUnitId: BUREAU, noticeRef: 'doc-acceptance', handlingDeadline, ...stamp(at) },
    legalBasis: '信访工作条例§23;信访工作条例§34',
  }),
  handlingStarted: (): PetitionEvent => ({
    type: 'HandlingStarted',
    data: { petitionId: PETITION_ID, handlerIds: ['handler-1'], ...stamp(T.handlingStarted) },
  }),
  hearingStarted: (stage: 'handling' | 're_review', at: string, hearingId = 'hearing-1'): PetitionEvent => ({
    type: 'HearingStarted',
    data: { petitionId: PETITION_ID, hearingId, stage, ...stamp(at) },
    legalBasis: stage === 'handling' ? LB.hearing : LB.reReview,
  }),
  opinionIssued: (): PetitionEvent => ({
    type: 'OpinionIssued',
    data: {
      petitionId: PETITION_ID,
      outcome: 'not_support',
      request: '兑现加装电梯补贴',
      factsAndReasons: '该小区未通过验收，不符合补贴条件',
      legalBasisCited: '某市既有住宅加装电梯补贴办法第八条',
      documentRef: 'doc-opinion',
      ...stamp(T.opinion),
    },
    legalBasis: LB.opinion,
  }),
  opinionDelivered: (): PetitionEvent => ({
    type: 'OpinionDelivered',
    data: {
      petitionId: PETITION_ID,
      receivedAt: T.delivered,
      method: 'post',
      reviewRequestWindow: D.reviewRequestWindow,
      ...stamp(T.delivered),
    },
    legalBasis: LB.review,
  }),
  reviewRequested: (): PetitionEvent => ({
    type: 'ReviewRequested',
    data: {
      petitionId: PETITION_ID,
      requestedAt: T.reviewRequested,
      reviewingUnitId: CITY,
      reviewDeadline: D.review,
      ...stamp(T.reviewRequested),
    },
    legalBasis: LB.review,
  }),
  reviewStarted: (): PetitionEvent => ({
    type: 'ReviewStarted',
    data: { petitionId: PETITION_ID, reviewingUnitId: CITY, ...stamp(T.reviewStarted) },
    legalBasis: LB.review,
  }),
  reviewDecided: (): PetitionEvent => ({
    type: 'ReviewDecided',
    data: { petitionId: PETITION_ID, outcome: 'upheld', reasons: '原处理意见事实清楚', documentRef: 'doc-review', ...stamp(T.reviewDecided) },
    legalBasis: LB.review,
  }),
  reviewDelivered: (): PetitionEvent => ({
    type: 'ReviewDecisionDelivered',
    data: {
      petitionId: PETITION_ID,
      receivedAt: T.reviewDelivered,
      reReviewRequestWindow: D.reReviewRequestWindow,
      ...stamp(T.reviewDelivered),
    },
    legalBasis: LB.reReview,
  }),
  reReviewRequested: (deadline: Deadline = D.reReview, at: string = T.reReviewRequested): PetitionEvent => ({
    type: 'ReReviewRequested',
    data: {
      petitionId: PETITION_ID,
      requestedAt: at,
      reReviewingUnitId: PROVINCE,
      reReviewDeadline: deadline,
      ...stamp(at),
    },
    legalBasis: LB.reReview,
  }),
  reReviewStarted: (): PetitionEvent => ({
    type: 'ReReviewStarted',
    data: { petitionId: PETITION_ID, reReviewingUnitId: PROVINCE, ...stamp(T.reReviewStarted) },
    legalBasis: LB.reReview,
  }),
  reReviewDecided: (): PetitionEvent => ({
    type: 'ReReviewDecided',
    data: {
      petitionId: PETITION_ID,
      outcome: 'upheld',
      reasons: '复查意见正确',
      documentRef: 'doc-re-review',
      publicised: false,
      ...stamp(T.reReviewDecided),
    },
    legalBasis: LB.reReview,
  }),
  closed: (): PetitionEvent => ({
    type: 'PetitionClosed',
    data: { petitionId: PETITION_ID, after: 'opinion', windowDueAt: D.reviewRequestWindow.dueAt, ...stamp('2025-09-02T09:00:00+08:00') },
    legalBasis: LB.review,
  }),
  notAccepted: (): PetitionEvent => ({
    type: 'PetitionNotAccepted',
    data: { petitionId: PETITION_ID, grounds: 'repeat_to_higher_level', relatedPetitionId: 'petition-lower', ...stamp(T.routed) },
    legalBasis: LB.formAndRepeat,
  }),
};

/** Event histories that bring a petition into each status. */
export const history = {
  registered: (): PetitionEvent[] => [ev.registered()],
  routed: (): PetitionEvent[] => [...history.registered(), ev.transferred()],
  acceptanceNotified: (): PetitionEvent[] => [...history.routed(), ev.acceptanceNotified()],
  handling: (): PetitionEvent[] => [...history.acceptanceNotified(), ev.handlingStarted()],
  opinionIssued: (): PetitionEvent[] => [...history.handling(), ev.opinionIssued()],
  delivered: (): PetitionEvent[] => [...history.opinionIssued(), ev.opinionDelivered()],
  closed: (): PetitionEvent[] => [...history.delivered(), ev.closed()],
  reviewRequested: (): PetitionEvent[] => [...history.delivered(), ev.reviewRequested()],
  reviewing: (): PetitionEvent[] => [...history.reviewRequested(), ev.reviewStarted()],
  reviewDecided: (): PetitionEvent[] => [...history.reviewing(), ev.reviewDecided()],
  reviewDelivered: (): PetitionEvent[] => [...history.reviewDecided(), ev.reviewDelivered()],
  reReviewRequested: (): PetitionEvent[] => [...history.reviewDelivered(), ev.reReviewRequested()],
  reReviewing: (): PetitionEvent[] => [...history.reReviewRequested(), ev.reReviewStarted()],
  terminated: (): PetitionEvent[] => [...history.reReviewing(), ev.reReviewDecided()],
  notAccepted: (): PetitionEvent[] => [...history.registered(), ev.notAccepted()],
};

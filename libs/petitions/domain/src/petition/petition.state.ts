import { Deadline } from '@fengqiao/kernel';
import { OpinionOutcome, PetitionCategory, PetitionChannel, PetitionDeadlineKind, ReceiverKind, ReviewDecisionData } from './petition.commands';

/** A deadline the petition runs against, with what the scheduler has already reported. */
export interface TrackedDeadline {
  deadline: Deadline;
  warned: boolean;
  breached: boolean;
  /** set while the clock is stopped (a re-review hearing, §36 ¶2) */
  pausedSince?: string;
  /** days already added back for hearings */
  excludedDays: number;
}

export interface Routing {
  kind: 'transfer' | 'assign';
  route: 'competent_body' | 'political_legal' | 'discipline_inspection';
  toUnitId: string;
  routedAt: string;
  objectionWindow?: Deadline;
  objection?: { raisedAt: string; status: 'pending' | 'overruled' };
}

export interface Opinion {
  outcome: OpinionOutcome;
  issuedAt: string;
  documentRef: string;
}

export interface Delivery {
  receivedAt: string;
  method: 'in_person' | 'post' | 'online';
}

export interface ReviewRecord {
  requestedAt: string;
  unitId: string;
  decision?: ReviewDecisionData & { decidedAt: string };
  decisionReceivedAt?: string;
  /** window for the next step, once the decision was received */
  nextWindow?: Deadline;
}

/** Facts every registered petition carries, whatever its status. */
export interface PetitionCore {
  petitionId: string;
  channel: PetitionChannel;
  form: 'written' | 'oral';
  receivedAt: string;
  registeredAt: string;
  receivingUnitId: string;
  receiverKind: ReceiverKind;
  petitionerIds: string[];
  summary: string;
  category?: PetitionCategory;
  flags: { supervised: boolean; repeat: boolean; groupVisit: boolean };
  supervisions: number;
  routings: number;
  routing?: Routing;
  handlingUnitId?: string;
  acceptedAt?: string;
  handlerIds: string[];
  extension?: { extendBy: number; approvedBy: string; at: string };
  hearing?: { hearingId: string; startedAt: string; stage: 'handling' | 're_review' };
  hearingsHeld: number;
  settlements: number;
  opinion?: Opinion;
  delivery?: Delivery;
  reviewRequestWindow?: Deadline;
  review?: ReviewRecord;
  reReview?: ReviewRecord;
  deadlines: Partial<Record<PetitionDeadlineKind, TrackedDeadline>>;
}

type S<Status extends string, Extra = unknown> = PetitionCore & { status: Status } & Extra;
type Accepted = { handlingUnitId: string; acceptedAt: string };
type Opined = Accepted & { opinion: Opinion };
type Delivered = Opined & { delivery: Delivery; reviewRequestWindow: Deadline };
type InReview = Delivered & { review: ReviewRecord };
type InReReview = InReview & { reReview: ReviewRecord };

export type PetitionState =
  | { status: 'none' }
  | S<'registered'>
  | S<'routed', { routing: Routing }>
  | S<'acceptance_notified', Accepted>
  | S<'handling', Accepted>
  | S<'opinion_issued', Opined>
  | S<'delivered', Delivered>
  | S<'closed', { closedAt: string; closedAfter: 'opinion' | 'review' }>
  | S<'review_requested', InReview>
  | S<'reviewing', InReview>
  | S<'review_decided', InReview>
  | S<'re_review_requested', InReReview>
  | S<'re_reviewing', InReReview>
  | S<'terminated', InReReview & { terminatedAt: string }>
  | S<
      'not_accepted',
      {
        notAccepted: {
          grounds: 'repeat_to_higher_level' | 'same_facts_after_re_review' | 'outside_competence' | 'legal_procedure';
          at: string;
          relatedPetitionId?: string;
          toldToApplyTo?: string;
        };
      }
    >;

export type PetitionStatus = PetitionState['status'];
export type RegisteredPetition = Exclude<PetitionState, { status: 'none' }>;

export const PETITION_STATUS_LABELS: Record<PetitionStatus, string> = {
  none: '未登记',
  registered: '已登记',
  routed: '已转送/交办',
  acceptance_notified: '已告知受理',
  handling: '办理中',
  opinion_issued: '已出具处理意见',
  delivered: '处理意见已送达',
  closed: '已办结',
  review_requested: '已申请复查',
  reviewing: '复查中',
  review_decided: '已出具复查意见',
  re_review_requested: '已申请复核',
  re_reviewing: '复核中',
  terminated: '已终结',
  not_accepted: '不予受理',
};

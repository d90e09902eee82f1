import { Deadline, Event } from '@fengqiao/kernel';
import { Audited } from '../audit';
import {
  LegalProcedure,
  OpinionOutcome,
  PetitionCategory,
  PetitionChannel,
  PetitionDeadlineKind,
  PetitionWindowKind,
  ReceiverKind,
  RelatedMatter,
  ReviewDecisionData,
  SupervisionGrounds,
} from './petition.commands';

type Evt<T extends string, D> = Event<T, Audited<D>>;

export type PetitionRegistered = Evt<
  'PetitionRegistered',
  {
    petitionId: string;
    channel: PetitionChannel;
    receivedAt: string;
    receivingUnitId: string;
    receiverKind: ReceiverKind;
    petitionerIds: string[];
    summary: string;
    category?: PetitionCategory;
    form: 'written' | 'oral';
    recordRef?: string;
    groupVisit?: { visitorCount: number; representativeIds: string[] };
    relatedMatter?: RelatedMatter;
    /** petition office: route within 15 days of receipt (§22) */
    routingDeadline?: Deadline;
    /** a body receiving directly: tell the petitioner within 15 days of receipt (§23 ¶2) */
    acceptanceNoticeDeadline?: Deadline;
  }
>;
/** An expected outcome, not an error: the matter is not accepted (§19 ¶3, §23 ¶1, §36 ¶3). */
export type PetitionNotAccepted = Evt<
  'PetitionNotAccepted',
  {
    petitionId: string;
    grounds: 'repeat_to_higher_level' | 'same_facts_after_re_review' | 'outside_competence' | 'legal_procedure';
    relatedPetitionId?: string;
    toldToApplyTo?: string;
    /** §31: the procedure the petitioner was directed into (with `toldToApplyTo` naming the body) */
    procedure?: LegalProcedure;
  }
>;
export type PetitionTransferred = Evt<
  'PetitionTransferred',
  {
    petitionId: string;
    toUnitId: string;
    route: 'competent_body' | 'political_legal' | 'discipline_inspection';
    /** receipt by the receiving body, when it differs from the transfer time (the §23 clocks run from it) */
    receivedAt?: string;
    /** absent for 政法 / 纪检监察 routes, which notify under their own rules (§23 ¶4) */
    acceptanceNoticeDeadline?: Deadline;
    objectionWindow?: Deadline;
  }
>;
export type PetitionAssigned = Evt<
  'PetitionAssigned',
  {
    petitionId: string;
    toUnitId: string;
    /** receipt by the receiving body, when it differs from the assignment time (the §23 clocks run from it) */
    receivedAt?: string;
    reportDeadline: Deadline;
    acceptanceNoticeDeadline: Deadline;
    objectionWindow: Deadline;
  }
>;
export type RoutingObjected = Evt<'RoutingObjected', { petitionId: string; unitId: string; objectionWindowDueAt: string }>;
export type RoutingObjectionAgreed = Evt<'RoutingObjectionAgreed', { petitionId: string; returnedFromUnitId: string }>;
export type RoutingObjectionOverruled = Evt<'RoutingObjectionOverruled', { petitionId: string; unitId: string }>;
/** The receiving body told the petitioner it accepts the matter (受理); the 60-day handling clock starts. */
export type AcceptanceNotified = Evt<'AcceptanceNotified', { petitionId: string; handlingUnitId: string; noticeRef: string; handlingDeadline: Deadline }>;
export type HandlingStarted = Evt<'HandlingStarted', { petitionId: string; handlerIds: string[] }>;
export type HandlingExtended = Evt<
  'HandlingExtended',
  { petitionId: string; extendBy: number; approvedBy: string; previousDueAt: string; handlingDeadline: Deadline }
>;
export type HearingStarted = Evt<'HearingStarted', { petitionId: string; hearingId: string; stage: 'handling' | 're_review' }>;
export type HearingEnded = Evt<
  'HearingEnded',
  {
    petitionId: string;
    hearingId: string;
    stage: 'handling' | 're_review';
    startedAt: string;
    recordRef: string;
    /** re-review only (§36 ¶2): days of hearing not counted, and the re-review deadline moved by them */
    excludedDays?: number;
    reReviewDeadline?: Deadline;
  }
>;
export type SettlementRecorded = Evt<
  'SettlementRecorded',
  {
    petitionId: string;
    kind: 'mediation_agreement' | 'settlement_agreement';
    consentingPartyIds: string[];
    documentRef: string;
  }
>;
export type OpinionIssued = Evt<
  'OpinionIssued',
  {
    petitionId: string;
    outcome: OpinionOutcome;
    request: string;
    factsAndReasons: string;
    legalBasisCited: string;
    documentRef: string;
  }
>;
export type OpinionDelivered = Evt<
  'OpinionDelivered',
  { petitionId: string; receivedAt: string; method: 'in_person' | 'post' | 'online'; reviewRequestWindow: Deadline }
>;
export type PetitionClosed = Evt<'PetitionClosed', { petitionId: string; after: 'opinion' | 'review'; windowDueAt: string }>;
export type ReviewRequested = Evt<'ReviewRequested', { petitionId: string; requestedAt: string; reviewingUnitId: string; reviewDeadline: Deadline }>;
export type ReviewStarted = Evt<'ReviewStarted', { petitionId: string; reviewingUnitId: string }>;
export type ReviewDecided = Evt<'ReviewDecided', { petitionId: string } & ReviewDecisionData>;
export type ReviewDecisionDelivered = Evt<'ReviewDecisionDelivered', { petitionId: string; receivedAt: string; reReviewRequestWindow: Deadline }>;
export type ReReviewRequested = Evt<'ReReviewRequested', { petitionId: string; requestedAt: string; reReviewingUnitId: string; reReviewDeadline: Deadline }>;
export type ReReviewStarted = Evt<'ReReviewStarted', { petitionId: string; reReviewingUnitId: string }>;
/** Final: the same facts and reasons are not accepted again by any body (§36 ¶3). */
export type ReReviewDecided = Evt<'ReReviewDecided', { petitionId: string; publicised: boolean } & ReviewDecisionData>;
export type PetitionSupervised = Evt<
  'PetitionSupervised',
  { petitionId: string; supervisingUnitId: string; form: 'supervision' | 'listed'; grounds: SupervisionGrounds[] }
>;
export type PetitionDeadlineWarned = Evt<'DeadlineWarned', { petitionId: string; kind: PetitionDeadlineKind; deadline: Deadline }>;
export type PetitionDeadlineBreached = Evt<'DeadlineBreached', { petitionId: string; kind: PetitionDeadlineKind; deadline: Deadline }>;

/** What a revised deadline was before (DeadlineRevised keeps old and new side by side for the audit). */
export interface RevisedFrom {
  dueAt: string;
  warnAt?: string;
  lastDay?: string;
  calendarVersion: string;
  provisional?: true;
}
/** A running deadline recomputed on a newer calendar (a holiday notice loaded): old and new, both calendar versions. */
export type PetitionDeadlineRevised = Evt<
  'DeadlineRevised',
  { petitionId: string; kind: PetitionDeadlineKind | PetitionWindowKind; previous: RevisedFrom; deadline: Deadline }
>;

export type PetitionEvent =
  | PetitionRegistered
  | PetitionNotAccepted
  | PetitionTransferred
  | PetitionAssigned
  | RoutingObjected
  | RoutingObjectionAgreed
  | RoutingObjectionOverruled
  | AcceptanceNotified
  | HandlingStarted
  | HandlingExtended
  | HearingStarted
  | HearingEnded
  | SettlementRecorded
  | OpinionIssued
  | OpinionDelivered
  | PetitionClosed
  | ReviewRequested
  | ReviewStarted
  | ReviewDecided
  | ReviewDecisionDelivered
  | ReReviewRequested
  | ReReviewStarted
  | ReReviewDecided
  | PetitionSupervised
  | PetitionDeadlineWarned
  | PetitionDeadlineBreached
  | PetitionDeadlineRevised;

export type PetitionEventType = PetitionEvent['type'];

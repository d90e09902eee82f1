import { Deadline, Event } from '@fengqiao/kernel';
import { Audited } from '../audit';
import { CommitteeLevel, DisputeSource, InvitedParticipant, MediationDeadlineKind, PartyRef, ReliefRoute, TerminationGrounds } from './mediation-case.commands';
import { DossierItemKind } from './mediation-case.rules';

type Evt<T extends string, D> = Event<T, Audited<D>>;

export type DisputeRegistered = Evt<
  'DisputeRegistered',
  {
    caseId: string;
    committeeId: string;
    committeeLevel: CommitteeLevel;
    source: DisputeSource;
    parties: PartyRef[];
    summary: string;
    category?: string;
    registrationDocumentRef?: string;
  }
>;
export type ConsentRequested = Evt<'ConsentRequested', { caseId: string; partyIds: string[] }>;
export type ConsentGiven = Evt<'ConsentGiven', { caseId: string; partyId: string; statementRef?: string }>;
export type ConsentRefused = Evt<'ConsentRefused', { caseId: string; partyId: string; statementRef?: string }>;
/** All parties consented: the committee accepts the case (受理); the mediation-duration clock starts. */
export type MediationAccepted = Evt<'MediationAccepted', { caseId: string; mediationDeadline: Deadline }>;
export type MediationDeclined = Evt<'MediationDeclined', { caseId: string; grounds: 'party_refused' | 'outside_scope'; refusingPartyId?: string }>;
export type RightsNotified = Evt<'RightsNotified', { caseId: string; partyIds: string[]; documentRef: string }>;
export type DossierItemAdded = Evt<'DossierItemAdded', { caseId: string; item: DossierItemKind; documentRef: string }>;
export type MediatorAssigned = Evt<'MediatorAssigned', { caseId: string; mediatorIds: string[]; method: 'designated' | 'chosen_by_parties' }>;
export type MediatorRecused = Evt<
  'MediatorRecused',
  {
    caseId: string;
    mediatorId: string;
    grounds: 'conflict_of_interest' | 'party_request' | 'other';
    requestedByPartyId?: string;
    /** mediators left on the case; none → the case needs a mediator again */
    remainingMediatorIds: string[];
  }
>;
export type SessionRecorded = Evt<
  'SessionRecorded',
  {
    caseId: string;
    sessionId: string;
    heldAt: string;
    mediatorIds: string[];
    attendingPartyIds: string[];
    invitedParticipants: InvitedParticipant[];
    summary: string;
    recordRef?: string;
    place?: string;
    /** §23: public or not, at the parties' wish */
    openToPublic?: boolean;
  }
>;
export type RiskReportedToPolice = Evt<
  'RiskReportedToPolice',
  { caseId: string; riskKind: 'public_order' | 'criminal'; measures: string; policeUnitId: string }
>;
export type MediationExtended = Evt<
  'MediationExtended',
  {
    caseId: string;
    extendBy: number;
    consentingPartyIds: string[];
    previousDueAt: string;
    mediationDeadline: Deadline;
  }
>;
export type AgreementReached = Evt<'AgreementReached', { caseId: string; agreementId: string; form: 'written' | 'oral'; terms: string; documentRef?: string }>;
/**
 * The agreement is binding: a written one when every party signed, the mediator signed and the
 * committee sealed (§29), an oral one when reached (§30). Opens the judicial-confirmation window.
 */
export type AgreementTookEffect = Evt<
  'AgreementTookEffect',
  {
    caseId: string;
    agreementId: string;
    effectiveAt: string;
    /** the signing date given on the command (the agreement took effect then: §29, and §33's 30 days run from it) */
    signedAt?: string;
    signedByPartyIds?: string[];
    judicialConfirmationWindow: Deadline;
  }
>;
export type MediationTerminated = Evt<
  'MediationTerminated',
  { caseId: string; grounds: TerminationGrounds; routesTold: ReliefRoute[]; noticeRef?: string; withdrawingPartyId?: string }
>;
export type PerformanceRecorded = Evt<'PerformanceRecorded', { caseId: string; complete: boolean; description: string; evidenceRef?: string }>;
export type PerformanceFailed = Evt<
  'PerformanceFailed',
  {
    caseId: string;
    defaultingPartyIds: string[];
    description: string;
    /** what the parties were told: sue (§32), or apply for enforcement when the court confirmed (民诉法 §206) */
    routesTold: ('litigation' | 'enforcement')[];
  }
>;
export type JudicialConfirmationFiled = Evt<
  'JudicialConfirmationFiled',
  {
    caseId: string;
    courtId: string;
    filedAt: string;
    applicantPartyIds: string[];
    windowDueAt: string;
    documentRef?: string;
  }
>;
export type JudicialConfirmationDecided = Evt<'JudicialConfirmationDecided', { caseId: string; confirmed: boolean; decidedAt: string; rulingRef: string }>;
export type MediationResumed = Evt<'MediationResumed', { caseId: string }>;
export type FollowUpVisited = Evt<
  'FollowUpVisited',
  {
    caseId: string;
    visitedPartyIds: string[];
    performanceSatisfactory: boolean;
    reescalationRisk: boolean;
    recordRef?: string;
  }
>;
export type CaseTransferred = Evt<
  'CaseTransferred',
  {
    caseId: string;
    fromCommitteeId: string;
    fromLevel: CommitteeLevel;
    toCommitteeId: string;
    toLevel: CommitteeLevel;
    /** mediators of the old committee released by the transfer */
    releasedMediatorIds: string[];
  }
>;
export type CaseArchived = Evt<'CaseArchived', { caseId: string; closedAs: ClosedStatus; dossierItems: DossierItemKind[] }>;
export type MediationDeadlineWarned = Evt<'DeadlineWarned', { caseId: string; kind: MediationDeadlineKind; deadline: Deadline }>;
export type MediationDeadlineBreached = Evt<'DeadlineBreached', { caseId: string; kind: MediationDeadlineKind; deadline: Deadline }>;

/** The deadlines a calendar change may revise: the mediation clock and the §33 window. */
export type RevisableMediationDeadline = MediationDeadlineKind | 'judicial_confirmation_window';
/** What a revised deadline was before (DeadlineRevised keeps old and new side by side for the audit). */
export interface RevisedFrom {
  dueAt: string;
  warnAt?: string;
  lastDay?: string;
  calendarVersion: string;
  provisional?: true;
}
/** A deadline recomputed on a newer calendar (a holiday notice loaded): old and new, both calendar versions. */
export type MediationDeadlineRevised = Evt<'DeadlineRevised', { caseId: string; kind: RevisableMediationDeadline; previous: RevisedFrom; deadline: Deadline }>;

/** Statuses a case can be archived from. */
export type ClosedStatus = 'declined' | 'terminated' | 'performed' | 'performance_failed' | 'confirmed' | 'not_confirmed';

export type MediationEvent =
  | DisputeRegistered
  | ConsentRequested
  | ConsentGiven
  | ConsentRefused
  | MediationAccepted
  | MediationDeclined
  | RightsNotified
  | DossierItemAdded
  | MediatorAssigned
  | MediatorRecused
  | SessionRecorded
  | RiskReportedToPolice
  | MediationExtended
  | AgreementReached
  | AgreementTookEffect
  | MediationTerminated
  | PerformanceRecorded
  | PerformanceFailed
  | JudicialConfirmationFiled
  | JudicialConfirmationDecided
  | MediationResumed
  | FollowUpVisited
  | CaseTransferred
  | CaseArchived
  | MediationDeadlineWarned
  | MediationDeadlineBreached
  | MediationDeadlineRevised;

export type MediationEventType = MediationEvent['type'];

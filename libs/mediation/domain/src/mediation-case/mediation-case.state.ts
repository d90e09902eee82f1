import { Deadline } from '@fengqiao/kernel';
import { CommitteeLevel, DisputeSource, PartyRef, ReliefRoute, TerminationGrounds } from './mediation-case.commands';
import { ClosedStatus } from './mediation-case.events';
import { DossierItemKind } from './mediation-case.rules';

/** A deadline the case runs against, with what the scheduler has already reported. */
export interface TrackedDeadline {
  deadline: Deadline;
  warned: boolean;
  breached: boolean;
}

export interface DossierEntry {
  item: DossierItemKind;
  documentRef: string;
  addedAt: string;
}

export interface ConsentRecord {
  partyId: string;
  consented: boolean;
  at: string;
}

export interface Agreement {
  agreementId: string;
  form: 'written' | 'oral';
  terms: string;
  reachedAt: string;
  documentRef?: string;
  /** set when the agreement took effect (§29 signatures / §30 oral) */
  effectiveAt?: string;
  /** 30 days from effectiveAt (§33; 民诉法 §205) */
  judicialConfirmationWindow?: Deadline;
}

export type EffectiveAgreement = Agreement & { effectiveAt: string; judicialConfirmationWindow: Deadline };

export interface JudicialConfirmation {
  courtId: string;
  filedAt: string;
  decision?: { confirmed: boolean; decidedAt: string; rulingRef: string };
}

/** Facts every registered case carries, whatever its status. */
export interface MediationCaseCore {
  caseId: string;
  committeeId: string;
  committeeLevel: CommitteeLevel;
  source: DisputeSource;
  parties: PartyRef[];
  summary: string;
  category?: string;
  registeredAt: string;
  consents: ConsentRecord[];
  rightsNotifiedPartyIds: string[];
  mediatorIds: string[];
  sessionIds: string[];
  dossier: DossierEntry[];
  riskReports: number;
  followUpVisits: number;
  transfers: number;
  /** total extension granted, in the unit of the mediation-duration rule */
  extendedBy: number;
  performance: { records: number; complete: boolean };
  acceptedAt?: string;
  mediationDeadline?: TrackedDeadline;
  agreement?: Agreement;
  judicialConfirmation?: JudicialConfirmation;
}

type S<Status extends string, Extra = unknown> = MediationCaseCore & { status: Status } & Extra;
type AcceptedFacts = { acceptedAt: string; mediationDeadline: TrackedDeadline };
type AgreedFacts = { acceptedAt: string; agreement: Agreement };
type EffectiveFacts = { acceptedAt: string; agreement: EffectiveAgreement };
type ConfirmationFacts = EffectiveFacts & { judicialConfirmation: JudicialConfirmation };

export type MediationCaseState =
  | { status: 'none' }
  | S<'registered'>
  | S<'consent_pending'>
  | S<'declined', { declined: { grounds: 'party_refused' | 'outside_scope'; at: string } }>
  | S<'accepted', AcceptedFacts>
  | S<'mediator_assigned', AcceptedFacts>
  | S<'mediating', AcceptedFacts>
  | S<'agreement_reached', AgreedFacts>
  | S<'terminated', { termination: { grounds: TerminationGrounds; routesTold: ReliefRoute[]; at: string } }>
  | S<'performing', EffectiveFacts>
  | S<'performed', EffectiveFacts>
  | S<'performance_failed', EffectiveFacts>
  | S<'judicial_confirmation_filed', ConfirmationFacts>
  | S<'confirmed', ConfirmationFacts>
  | S<'not_confirmed', ConfirmationFacts>
  | S<'archived', { archivedAt: string; closedAs: ClosedStatus }>;

export type MediationStatus = MediationCaseState['status'];
export type RegisteredMediationCase = Exclude<MediationCaseState, { status: 'none' }>;

export const MEDIATION_STATUS_LABELS: Record<MediationStatus, string> = {
  none: '未登记',
  registered: '已登记',
  consent_pending: '待当事人同意',
  declined: '不予调解',
  accepted: '已受理',
  mediator_assigned: '已指定调解员',
  mediating: '调解中',
  agreement_reached: '已达成协议',
  terminated: '调解终止',
  performing: '履行中',
  performed: '履行完毕',
  performance_failed: '未履行',
  judicial_confirmation_filed: '已申请司法确认',
  confirmed: '司法确认有效',
  not_confirmed: '司法确认驳回',
  archived: '已归档',
};

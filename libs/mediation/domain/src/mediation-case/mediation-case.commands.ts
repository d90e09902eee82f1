import { Command } from '@fengqiao/kernel';
import { DossierItemKind } from './mediation-case.rules';

/** Where a dispute came from (人民调解法 §17–18; entrustment by a government body is local practice). */
export type DisputeSource =
  | { kind: 'application' }
  | { kind: 'own_initiative' }
  | {
      kind: 'entrusted';
      entrustedBy: 'court' | 'police' | 'government';
      /** the entrusting court, police station or government body */
      entrustingUnitId: string;
      /** 委托调解函 or referral letter, when there is one */
      letterRef?: string;
    }
  | { kind: 'referred_from_grid_case'; gridCaseId: string };

export type PartyRole = 'applicant' | 'respondent' | 'third_party';

/** A party by reference: names, ID numbers and phones live in the encrypted party record. */
export interface PartyRef {
  partyId: string;
  role: PartyRole;
}

export type CommitteeLevel = 'village' | 'town' | 'district' | 'industry';

export type TerminationGrounds =
  | 'no_agreement' // 调解不成
  | 'party_withdrew' // a party ends mediation (§23)
  | 'false_statements_or_delay' // concealment, false statements, deliberate delay (深圳 §28, local)
  | 'other';

/** Routes the parties must be told of when mediation ends without agreement (人民调解法 §26). */
export type ReliefRoute = 'arbitration' | 'administrative' | 'judicial';
export const RELIEF_ROUTES: readonly ReliefRoute[] = ['arbitration', 'administrative', 'judicial'];

export type MediationDeadlineKind = 'mediation_duration';

type Cmd<T extends string, D> = Command<T, D>;

export type RegisterDispute = Cmd<
  'RegisterDispute',
  {
    caseId: string;
    committeeId: string;
    committeeLevel: CommitteeLevel;
    source: DisputeSource;
    parties: PartyRef[];
    summary: string;
    /** 纠纷类型 from the category list */
    category?: string;
    /** the 申请书 or 受理登记表, when already on file */
    registrationDocumentRef?: string;
  }
>;
export type RequestConsent = Cmd<'RequestConsent', Record<string, never>>;
export type RecordConsent = Cmd<'RecordConsent', { partyId: string; consented: boolean; statementRef?: string }>;
export type DeclineMediation = Cmd<'DeclineMediation', { grounds: 'outside_scope' }>;
export type NotifyRights = Cmd<'NotifyRights', { partyIds: string[]; documentRef: string }>;
export type AddDossierItem = Cmd<'AddDossierItem', { item: DossierItemKind; documentRef: string }>;
export type AssignMediator = Cmd<'AssignMediator', { mediatorIds: string[]; method: 'designated' | 'chosen_by_parties' }>;
export type RecuseMediator = Cmd<
  'RecuseMediator',
  {
    mediatorId: string;
    grounds: 'conflict_of_interest' | 'party_request' | 'other';
    /** the party who asked, when grounds = party_request */
    requestedByPartyId?: string;
  }
>;
export interface InvitedParticipant {
  participantId: string;
  relation: 'relative' | 'neighbour' | 'expert' | 'other';
  /** §20: invited only with the parties' consent */
  partiesConsented: boolean;
}
export type RecordSession = Cmd<
  'RecordSession',
  {
    sessionId: string;
    /** when the session took place (ISO instant, not after the command's `now`) */
    heldAt: string;
    mediatorIds: string[];
    attendingPartyIds: string[];
    invitedParticipants?: InvitedParticipant[];
    summary: string;
    /** the signed 调解记录, when filed with the session */
    recordRef?: string;
    /** where the session was held */
    place?: string;
    /** held in public or not, at the parties' wish (人民调解法 §23) */
    openToPublic?: boolean;
  }
>;
export type ReportRisk = Cmd<'ReportRisk', { riskKind: 'public_order' | 'criminal'; measures: string; policeUnitId: string }>;
export type ExtendMediation = Cmd<
  'ExtendMediation',
  {
    /** extra time, in the unit of the mediation-duration rule */
    extendBy: number;
    /** every party must consent to continue */
    consentingPartyIds: string[];
  }
>;
export type ReachAgreement = Cmd<
  'ReachAgreement',
  {
    agreementId: string;
    form: 'written' | 'oral';
    terms: string;
    /** 调解协议书, or the 口头协议登记表 for an oral agreement */
    documentRef?: string;
  }
>;
export type SignAgreement = Cmd<
  'SignAgreement',
  {
    signedByPartyIds: string[];
    mediatorSigned: boolean;
    committeeSealed: boolean;
    /** when the last signature and the seal were put on (§29: the agreement takes effect then); default: the recording time */
    signedAt?: string;
  }
>;
export type TerminateMediation = Cmd<
  'TerminateMediation',
  {
    grounds: TerminationGrounds;
    routesTold: ReliefRoute[];
    noticeRef?: string;
    /** the party who ended the mediation (§23), required when `grounds` is 'party_withdrew' */
    withdrawingPartyId?: string;
  }
>;
export type RecordPerformance = Cmd<'RecordPerformance', { complete: boolean; description: string; evidenceRef?: string }>;
export type ReportPerformanceFailure = Cmd<'ReportPerformanceFailure', { defaultingPartyIds: string[]; description: string }>;
export type FileJudicialConfirmation = Cmd<
  'FileJudicialConfirmation',
  {
    courtId: string;
    /** when the joint application reached the court (not after `now`) */
    filedAt: string;
    applicantPartyIds: string[];
    documentRef?: string;
  }
>;
export type RecordJudicialConfirmationDecision = Cmd<'RecordJudicialConfirmationDecision', { confirmed: boolean; decidedAt: string; rulingRef: string }>;
export type ResumeMediation = Cmd<'ResumeMediation', Record<string, never>>;
export type RecordFollowUpVisit = Cmd<
  'RecordFollowUpVisit',
  {
    visitedPartyIds: string[];
    performanceSatisfactory: boolean;
    reescalationRisk: boolean;
    recordRef?: string;
  }
>;
export type TransferCase = Cmd<'TransferCase', { toCommitteeId: string; toLevel: CommitteeLevel }>;
export type ArchiveCase = Cmd<'ArchiveCase', Record<string, never>>;
/** Timer commands, sent by the scheduler with `meta.now` = the time it fired. */
export type WarnMediationDeadline = Cmd<'WarnDeadline', { deadline: MediationDeadlineKind }>;
export type BreachMediationDeadline = Cmd<'BreachDeadline', { deadline: MediationDeadlineKind }>;
/** Sent by the calendar revision (a holiday notice loaded); `notice` names what changed. */
export type ReviseMediationDeadline = Cmd<'ReviseDeadline', { notice?: string }>;

export type MediationCommand =
  | RegisterDispute
  | RequestConsent
  | RecordConsent
  | DeclineMediation
  | NotifyRights
  | AddDossierItem
  | AssignMediator
  | RecuseMediator
  | RecordSession
  | ReportRisk
  | ExtendMediation
  | ReachAgreement
  | SignAgreement
  | TerminateMediation
  | RecordPerformance
  | ReportPerformanceFailure
  | FileJudicialConfirmation
  | RecordJudicialConfirmationDecision
  | ResumeMediation
  | RecordFollowUpVisit
  | TransferCase
  | ArchiveCase
  | WarnMediationDeadline
  | BreachMediationDeadline
  | ReviseMediationDeadline;

export type MediationCommandType = MediationCommand['type'];

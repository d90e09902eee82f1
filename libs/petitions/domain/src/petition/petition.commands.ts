import { Command } from '@fengqiao/kernel';

/** 信访形式 (信访工作条例 §17). */
export type PetitionChannel = 'online' | 'letter' | 'phone' | 'fax' | 'visit';
export const PETITION_CHANNELS: readonly PetitionChannel[] = ['online', 'letter', 'phone', 'fax', 'visit'];

/**
 * Who received the petition: a party-committee/government petition office (信访部门, routes it
 * under §22) or another body receiving it directly (§23 ¶1–2, tells the petitioner itself).
 */
export type ReceiverKind = 'petition_office' | 'handling_body';

/** 建议意见类 §29, 检举控告类 §30, 申诉求决类 §31. */
export type PetitionCategory = 'suggestion' | 'accusation' | 'claim';

/**
 * What the registering office found about the same matter elsewhere (the handler looks it up; the
 * decider only applies the rule):
 * - `being_handled_lower_level`: accepted or being handled by a lower body within its time limit and
 *   now raised to this higher body → not accepted (§19 ¶3);
 * - `being_handled_here`: already being handled by this body → flagged as a repeat, registration goes on;
 * - `concluded_by_re_review`: the same facts and reasons after a 复核 → not accepted again (§36 ¶3).
 */
export interface RelatedMatter {
  petitionId: string;
  relation: 'being_handled_lower_level' | 'being_handled_here' | 'concluded_by_re_review';
}

export type OpinionOutcome = 'support' | 'explain' | 'not_support';

export type SupervisionGrounds =
  | 'improper_acceptance' // 违反规定受理、办理
  | 'shirking' // 推诿
  | 'perfunctory' // 敷衍
  | 'delay' // 拖延
  | 'falsification' // 弄虚作假
  | 'refusal_to_execute'; // 拒不执行信访处理意见

export type PetitionDeadlineKind = 'routing' | 'acceptance_notice' | 'assignment_report' | 'handling' | 'review' | 're_review';

/**
 * The petitioner's windows (not clocks the bodies run against, so no warning or breach): the §24
 * objection window of a transfer or assignment, the §35 review and re-review request windows.
 * Computed on the working calendar, so a calendar notice revises them while they are open.
 */
export type PetitionWindowKind = 'objection_window' | 'review_request_window' | 're_review_request_window';

type Cmd<T extends string, D> = Command<T, D>;

export type RegisterPetition = Cmd<
  'RegisterPetition',
  {
    petitionId: string;
    channel: PetitionChannel;
    /** when the petition reached the receiving unit (the 15-day clocks run from here) */
    receivedAt: string;
    receivingUnitId: string;
    receiverKind: ReceiverKind;
    petitionerIds: string[];
    summary: string;
    category?: PetitionCategory;
    /** §19: written normally; an oral petition must be recorded */
    form: 'written' | 'oral';
    recordRef?: string;
    /** §20: several people visiting about a common matter elect at most 5 representatives */
    groupVisit?: { visitorCount: number; representativeIds: string[] };
    relatedMatter?: RelatedMatter;
  }
>;
export type TransferPetition = Cmd<
  'TransferPetition',
  {
    toUnitId: string;
    route: 'competent_body' | 'political_legal' | 'discipline_inspection';
    /** when the receiving body got the matter (§23: its 15 days run from receipt); default: the transfer time */
    receivedAt?: string;
  }
>;
export type AssignPetition = Cmd<
  'AssignPetition',
  {
    toUnitId: string;
    /** the 办结报告 is due this many units (rules.assignmentReportUnit) after the assignment */
    reportWithin: number;
    /** when the receiving body got the matter (§23: its 15 days run from receipt); default: the assignment time */
    receivedAt?: string;
  }
>;
/** The receiving body says the matter is outside its competence; `meta.reason` gives the detailed reasons. */
export type ObjectToRouting = Cmd<'ObjectToRouting', Record<string, never>>;
/** The routing office rules on the objection: agreed → the matter goes back to routing. */
export type RuleOnObjection = Cmd<'RuleOnObjection', { agreed: boolean }>;
export type NotifyAcceptance = Cmd<'NotifyAcceptance', { noticeRef: string }>;
/** §23 ¶1: not within this body's or its system's competence → tell the petitioner where to go. */
export type RedirectPetitioner = Cmd<'RedirectPetitioner', { toldToApplyTo: string }>;
/** 申诉求决类 matters that belong in another legal procedure (§31 (1)–(4), 诉访分离). */
export type LegalProcedure = 'litigation' | 'arbitration' | 'administrative_review' | 'other_statutory';
export const LEGAL_PROCEDURES: readonly LegalProcedure[] = ['litigation', 'arbitration', 'administrative_review', 'other_statutory'];
/** §31: direct the petitioner into that procedure, naming the body (court, arbitration commission, review organ). */
export type DirectToLegalProcedure = Cmd<'DirectToLegalProcedure', { procedure: LegalProcedure; body: string }>;
/** §19 ¶3 found after registration. */
export type RejectAsRepeat = Cmd<'RejectAsRepeat', { relatedPetitionId: string }>;
export type StartHandling = Cmd<'StartHandling', { handlerIds: string[] }>;
export type ExtendHandling = Cmd<'ExtendHandling', { extendBy: number; approvedBy: string }>;
export type StartHearing = Cmd<'StartHearing', { hearingId: string }>;
export type EndHearing = Cmd<'EndHearing', { hearingId: string; recordRef: string }>;
export type RecordSettlement = Cmd<
  'RecordSettlement',
  { kind: 'mediation_agreement' | 'settlement_agreement'; consentingPartyIds: string[]; documentRef: string }
>;
export type IssueOpinion = Cmd<
  'IssueOpinion',
  {
    outcome: OpinionOutcome;
    /** §32: the request, the facts and reasons, and the legal basis of the opinion */
    request: string;
    factsAndReasons: string;
    legalBasisCited: string;
    documentRef: string;
  }
>;
export type DeliverOpinion = Cmd<'DeliverOpinion', { receivedAt: string; method: 'in_person' | 'post' | 'online' }>;
export type ClosePetition = Cmd<'ClosePetition', Record<string, never>>;
export type RequestReview = Cmd<'RequestReview', { requestedAt: string; reviewingUnitId: string }>;
export type StartReview = Cmd<'StartReview', Record<string, never>>;
export interface ReviewDecisionData {
  outcome: 'upheld' | 'revised';
  /** the new opinion when revised */
  revisedOutcome?: OpinionOutcome;
  reasons: string;
  documentRef: string;
}
export type DecideReview = Cmd<'DecideReview', ReviewDecisionData>;
export type DeliverReviewDecision = Cmd<'DeliverReviewDecision', { receivedAt: string }>;
export type RequestReReview = Cmd<'RequestReReview', { requestedAt: string; reReviewingUnitId: string }>;
export type StartReReview = Cmd<'StartReReview', Record<string, never>>;
export type DecideReReview = Cmd<'DecideReReview', ReviewDecisionData & { publicised: boolean }>;
export type SupervisePetition = Cmd<'SupervisePetition', { supervisingUnitId: string; form: 'supervision' | 'listed'; grounds: SupervisionGrounds[] }>;
/** Timer commands, sent by the scheduler with `meta.now` = the time it fired. */
export type WarnPetitionDeadline = Cmd<'WarnDeadline', { deadline: PetitionDeadlineKind }>;
export type BreachPetitionDeadline = Cmd<'BreachDeadline', { deadline: PetitionDeadlineKind }>;
/**
 * Sent by the calendar revision (a holiday notice loaded): recompute the running deadlines on the
 * calendar the decider holds. `notice` names what changed (e.g. the notice's document number).
 */
export type RevisePetitionDeadline = Cmd<'ReviseDeadline', { notice?: string }>;

export type PetitionCommand =
  | RegisterPetition
  | TransferPetition
  | AssignPetition
  | ObjectToRouting
  | RuleOnObjection
  | NotifyAcceptance
  | RedirectPetitioner
  | DirectToLegalProcedure
  | RejectAsRepeat
  | StartHandling
  | ExtendHandling
  | StartHearing
  | EndHearing
  | RecordSettlement
  | IssueOpinion
  | DeliverOpinion
  | ClosePetition
  | RequestReview
  | StartReview
  | DecideReview
  | DeliverReviewDecision
  | RequestReReview
  | StartReReview
  | DecideReReview
  | SupervisePetition
  | WarnPetitionDeadline
  | BreachPetitionDeadline
  | RevisePetitionDeadline;

export type PetitionCommandType = PetitionCommand['type'];

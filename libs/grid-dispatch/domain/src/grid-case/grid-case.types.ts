import { Actor, Command, Deadline, DeadlineUnit, Event } from '@fengqiao/kernel';

/** 一般 / 紧急 / 非常紧急 (same values as intake's CaseFiled). */
export const URGENCIES = ['normal', 'urgent', 'very_urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Escalation level (an attribute, not a state): 村居 → 街镇 → 区. */
export const ESCALATION_LEVELS = ['village', 'town', 'district'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/**
 * Steps that run against a deadline. Each step's clock starts with the event that opens it and
 * stops with the event that ends it:
 * dispatch (filed/reopened → dispatched), accept (dispatched → accepted or objected),
 * rule_objection (objection → ruled), handle (in_progress → feedback), verify (feedback → verified
 * or rework), close (verified → closed), callback (closed → callback recorded).
 */
export const GRID_CASE_STEPS = ['dispatch', 'accept', 'rule_objection', 'handle', 'verify', 'close', 'callback'] as const;
export type GridCaseStep = (typeof GRID_CASE_STEPS)[number];

export const REFERRAL_TARGETS = ['mediation', 'petitions'] as const;
export type ReferralTarget = (typeof REFERRAL_TARGETS)[number];

export interface AttachmentRef {
  ref: string;
  mediaType?: string;
  name?: string;
}

/** A deadline running for one step, as recorded on the event that started it. */
export interface StepTimer {
  /** `<step>-<n>`, n counting the timers of this case: identifies the timer to the scheduler */
  timerId: string;
  step: GridCaseStep;
  deadline: Deadline;
}

/** The running timer in state: whether its warning and breach have been recorded. */
export interface ActiveTimer extends StepTimer {
  warned: boolean;
  breached: boolean;
}

/**
 * Every event's data starts with the auditor's facts, copied from the command meta: `caseId`,
 * `actor` (userId, role, unitId), `at` (meta.now, business time) and `reason` (meta.reason: the
 * reason or opinion the actor gave; required where a decision must be justified).
 */
export interface GridCaseEventBase {
  caseId: string;
  actor: Actor;
  at: string;
  reason?: string;
}

// ---------------------------------------------------------------- commands

type C<T extends string, D> = Command<T, { caseId: string } & D>;

/** From intake's published CaseFiled: opens the work order (status `filed`). */
export type OpenWorkOrder = C<
  'OpenWorkOrder',
  {
    category: string;
    urgency: Urgency;
    gridId: string | null;
    level: EscalationLevel;
    filedAt: string;
    /** where the case is: the unit path intake filed it under (district → … → grid or village) */
    location?: string[];
  }
>;
/** 派单 to the responsible unit chosen by routing (category × grid) or by the operator */
export type DispatchCase = C<'DispatchCase', { unitId: string }>;
/** 签收 by the assigned unit */
export type AcceptDispatch = C<'AcceptDispatch', Record<never, never>>;
/** 退单: the assigned unit objects that the case is not theirs (meta.reason required) */
export type ObjectToDispatch = C<'ObjectToDispatch', Record<never, never>>;
/** The centre rules on an objection: upheld → redispatch to `newUnitId`; rejected → back to the same unit */
export type RuleOnObjection = C<'RuleOnObjection', { decision: 'upheld' | 'rejected'; newUnitId?: string }>;
export type NoteProgress = C<'NoteProgress', { note: string; attachments?: AttachmentRef[] }>;
/** 延期申请, before the handling deadline; meta.reason required */
export type RequestExtension = C<'RequestExtension', { duration: number; unit: DeadlineUnit }>;
/** granted: the handling deadline moves by `duration`/`unit` (default: as requested) from its due time */
export type RuleOnExtension = C<'RuleOnExtension', { decision: 'granted' | 'denied'; duration?: number; unit?: DeadlineUnit }>;
/** 挂账: the case cannot be solved now; the handling clock stops (meta.reason required) */
export type SuspendCase = C<'SuspendCase', Record<never, never>>;
/** resume a suspended case: a new handling deadline starts */
export type ResumeCase = C<'ResumeCase', Record<never, never>>;
/** 反馈 by the assigned unit */
export type SubmitFeedback = C<'SubmitFeedback', { result: string; attachments?: AttachmentRef[] }>;
/** 核查: passed → verified; failed → 返工 (rework) back to in_progress */
export type VerifyCase = C<'VerifyCase', { passed: boolean; findings: string }>;
/** 结案 */
export type CloseCase = C<'CloseCase', { summary: string }>;
/** 回访 / 评价 */
export type RecordCallback = C<'RecordCallback', { rating: number; satisfied: boolean; comment?: string }>;
export type ArchiveCase = C<'ArchiveCase', Record<never, never>>;
/** reopen a closed case (e.g. reporter not satisfied); meta.reason required */
export type ReopenCase = C<'ReopenCase', Record<never, never>>;
export type MergeAsDuplicate = C<'MergeAsDuplicate', { duplicateOf: string }>;
/** hand the matter to people's mediation or to the petition office; meta.reason required */
export type ReferCase = C<'ReferCase', { target: ReferralTarget }>;
/** 督办: an opinion (meta.reason) from a centre at `level`; the unit must answer */
export type SuperviseCase = C<'SuperviseCase', { supervisionId: string; level: EscalationLevel }>;
export type AnswerSupervision = C<'AnswerSupervision', { supervisionId: string; answer: string }>;
/** manual escalation one level up; meta.reason required */
export type EscalateCase = C<'EscalateCase', Record<never, never>>;
/** issued by the scheduler (role `system`) with `meta.now` */
export type WarnDeadline = C<'WarnDeadline', { timerId: string }>;
export type BreachDeadline = C<'BreachDeadline', { timerId: string }>;
/** issued by the calendar revision (role `system`) when a holiday notice is loaded; `notice` names it */
export type ReviseDeadline = C<'ReviseDeadline', { notice?: string }>;

export type GridCaseCommand =
  | OpenWorkOrder
  | DispatchCase
  | AcceptDispatch
  | ObjectToDispatch
  | RuleOnObjection
  | NoteProgress
  | RequestExtension
  | RuleOnExtension
  | SuspendCase
  | ResumeCase
  | SubmitFeedback
  | VerifyCase
  | CloseCase
  | RecordCallback
  | ArchiveCase
  | ReopenCase
  | MergeAsDuplicate
  | ReferCase
  | SuperviseCase
  | AnswerSupervision
  | EscalateCase
  | WarnDeadline
  | BreachDeadline
  | ReviseDeadline;

// ---------------------------------------------------------------- events

type E<T extends string, D = Record<never, never>> = Event<T, GridCaseEventBase & D>;
/** Events that start a step carry its timer; null when no deadline rule is configured for the step. */
type Timed = { timer: StepTimer | null };

export type WorkOrderOpened = E<
  'WorkOrderOpened',
  { category: string; urgency: Urgency; gridId: string | null; level: EscalationLevel; filedAt: string; location?: string[] } & Timed
>;
export type CaseDispatched = E<'CaseDispatched', { unitId: string } & Timed>;
export type DispatchAccepted = E<'DispatchAccepted', { unitId: string } & Timed>;
export type DispatchObjected = E<'DispatchObjected', { unitId: string } & Timed>;
export type ObjectionUpheld = E<'ObjectionUpheld', { previousUnitId: string; unitId: string } & Timed>;
export type ObjectionRejected = E<'ObjectionRejected', { unitId: string } & Timed>;
export type ProgressNoted = E<'ProgressNoted', { unitId: string; note: string; attachments: AttachmentRef[] }>;
export type ExtensionRequested = E<'ExtensionRequested', { unitId: string; duration: number; unit: DeadlineUnit }>;
export type ExtensionGranted = E<'ExtensionGranted', { duration: number; unit: DeadlineUnit } & Timed>;
export type ExtensionDenied = E<'ExtensionDenied'>;
export type CaseSuspended = E<'CaseSuspended', { pausedTimerId: string | null }>;
export type CaseResumed = E<'CaseResumed', Timed>;
export type FeedbackSubmitted = E<'FeedbackSubmitted', { unitId: string; result: string; attachments: AttachmentRef[] } & Timed>;
export type CaseVerified = E<'CaseVerified', { findings: string } & Timed>;
export type ReworkOrdered = E<'ReworkOrdered', { findings: string; reworkCount: number; unitId: string } & Timed>;
export type CaseClosed = E<'CaseClosed', { summary: string } & Timed>;
export type CallbackRecorded = E<'CallbackRecorded', { rating: number; satisfied: boolean; comment?: string }>;
export type CaseArchived = E<'CaseArchived'>;
export type CaseReopened = E<'CaseReopened', { reopenCount: number } & Timed>;
export type CaseMerged = E<'CaseMerged', { duplicateOf: string }>;
export type CaseReferred = E<'CaseReferred', { target: ReferralTarget }>;
export type SupervisionIssued = E<'SupervisionIssued', { supervisionId: string; level: EscalationLevel }>;
export type SupervisionAnswered = E<'SupervisionAnswered', { supervisionId: string; answer: string }>;
export type Escalated = E<'Escalated', { from: EscalationLevel; to: EscalationLevel; cause: 'deadline_breached' | 'manual'; timerId?: string }>;
export type DeadlineWarned = E<'DeadlineWarned', { timerId: string; step: GridCaseStep; warnAt: string; dueAt: string }>;
export type DeadlineBreached = E<'DeadlineBreached', { timerId: string; step: GridCaseStep; dueAt: string }>;
/** What a revised deadline was before (DeadlineRevised keeps old and new side by side for the audit). */
export interface RevisedFrom {
  dueAt: string;
  warnAt?: string;
  lastDay?: string;
  calendarVersion: string;
  provisional?: true;
}
/** The running timer's deadline recomputed on a newer calendar (a holiday notice loaded). */
export type DeadlineRevised = E<'DeadlineRevised', { timerId: string; step: GridCaseStep; previous: RevisedFrom; deadline: Deadline }>;

export type GridCaseEvent =
  | WorkOrderOpened
  | CaseDispatched
  | DispatchAccepted
  | DispatchObjected
  | ObjectionUpheld
  | ObjectionRejected
  | ProgressNoted
  | ExtensionRequested
  | ExtensionGranted
  | ExtensionDenied
  | CaseSuspended
  | CaseResumed
  | FeedbackSubmitted
  | CaseVerified
  | ReworkOrdered
  | CaseClosed
  | CallbackRecorded
  | CaseArchived
  | CaseReopened
  | CaseMerged
  | CaseReferred
  | SupervisionIssued
  | SupervisionAnswered
  | Escalated
  | DeadlineWarned
  | DeadlineBreached
  | DeadlineRevised;

// ---------------------------------------------------------------- state

export interface Supervision {
  supervisionId: string;
  level: EscalationLevel;
  opinion?: string;
  issuedAt: string;
  issuedBy: Actor;
  answer?: string;
  answeredAt?: string;
}

/** What every work order has, whatever its status. */
export interface WorkOrder {
  caseId: string;
  category: string;
  urgency: Urgency;
  gridId: string | null;
  filedAt: string;
  /** where the case is (unit path from intake's filing); absent on work orders opened before it was recorded */
  location?: string[];
  /** escalation level (attribute): raised by breaches and manual escalation, capped at district */
  level: EscalationLevel;
  /** the unit the case is assigned to, null before dispatch and after reopening */
  unitId: string | null;
  /** the deadline of the current step, null when no step is timed */
  timer: ActiveTimer | null;
  /** number of timers started so far (the n of the next timerId is timerSeq + 1) */
  timerSeq: number;
  supervisions: Supervision[];
  reworkCount: number;
  reopenCount: number;
  extensionCount: number;
  breachCount: number;
}

type S<Status extends string, Extra = Record<never, never>> = { status: Status; order: WorkOrder } & Extra;

export type GridCaseState =
  | { status: 'none' }
  | S<'filed'>
  | S<'reopened'>
  | S<'dispatched'>
  | S<'objection', { objectedAt: string; objectedBy: Actor }>
  | S<'in_progress'>
  | S<'extension_requested', { request: { duration: number; unit: DeadlineUnit; requestedAt: string } }>
  | S<'suspended', { suspendedAt: string }>
  | S<'feedback_submitted', { feedback: { result: string; attachments: AttachmentRef[]; submittedAt: string } }>
  | S<'verified', { verifiedAt: string }>
  | S<'closed', { closedAt: string; summary: string }>
  | S<'callback_done', { callback: { rating: number; satisfied: boolean; comment?: string; at: string } }>
  | S<'archived', { archivedAt: string }>
  | S<'merged_duplicate', { duplicateOf: string }>
  | S<'referred', { target: ReferralTarget; referredAt: string }>;

export type GridCaseStatus = GridCaseState['status'];
export type OpenGridCaseState = Exclude<GridCaseState, { status: 'none' }>;

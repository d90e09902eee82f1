import {
  assertNever,
  CN_NATIONAL_CALENDAR,
  computeDeadline,
  Deadline,
  Decider,
  DomainError,
  IllegalStateError,
  isBreached,
  isWarningDue,
  NotFoundError,
  parseInstant,
  ValidationError,
  WorkingCalendar,
} from '@fengqiao/kernel';
import { AuditStamp, auditStamp } from '../audit';
import { evolveRevised, reviseMediationDeadlines } from './mediation-case.revision';
import {
  ArchiveCase,
  AssignMediator,
  BreachMediationDeadline,
  DeclineMediation,
  AddDossierItem,
  ExtendMediation,
  FileJudicialConfirmation,
  MediationCommand,
  MediationCommandType,
  NotifyRights,
  ReachAgreement,
  RecordConsent,
  RecordFollowUpVisit,
  RecordJudicialConfirmationDecision,
  RecordPerformance,
  RecordSession,
  RecuseMediator,
  RegisterDispute,
  RELIEF_ROUTES,
  ReportPerformanceFailure,
  ReportRisk,
  RequestConsent,
  ResumeMediation,
  SignAgreement,
  TerminateMediation,
  TransferCase,
  WarnMediationDeadline,
} from './mediation-case.commands';
import { ClosedStatus, MediationEvent } from './mediation-case.events';
import {
  DOSSIER_ITEMS,
  DOSSIER_ITEM_LABELS,
  DossierItemKind,
  defaultMediationRules,
  MEDIATION_LEGAL_BASIS as LB,
  MediationRules,
  requiredDossierItems,
  validateMediationRules,
} from './mediation-case.rules';
import {
  Agreement,
  DossierEntry,
  EffectiveAgreement,
  MEDIATION_STATUS_LABELS,
  MediationCaseState,
  MediationStatus,
  RegisteredMediationCase,
  TrackedDeadline,
} from './mediation-case.state';

/** Pure dependencies of the mediation decider: deadline rules (configuration) and a working calendar (data). */
export interface MediationDeciderDeps {
  rules: MediationRules;
  calendar: WorkingCalendar;
}

export type MediationDecider = Decider<MediationCaseState, MediationCommand, MediationEvent>;

/** Stream of one mediation case: `mediation-<caseId>`. */
export function toMediationStreamId(caseId: string): string {
  if (caseId.trim() === '') throw new ValidationError('MEDIATION.FIELD_REQUIRED', '案件编号不能为空', { field: 'caseId' });
  return `mediation-${caseId}`;
}

export function initialMediationCaseState(): MediationCaseState {
  return { status: 'none' };
}

/**
 * Builds the `MediationCase` decider (DESIGN §5.2, 人民调解法 2010). Pure: time, ids and the actor
 * come from the command; deadlines are computed with the kernel's `computeDeadline` on the
 * injected calendar and recorded on the events, so `evolve` never recomputes them.
 */
export function createMediationDecider(deps: MediationDeciderDeps): MediationDecider {
  validateMediationRules(deps.rules);
  return {
    initialState: initialMediationCaseState,
    decide: (command, state) => decideMediation(command, state, deps),
    evolve: evolveMediationCase,
  };
}

/**
 * The decider with the default rules on the national calendar (CN_NATIONAL_CALENDAR). A region
 * with its own calendar or local rules builds its own with `createMediationDecider`.
 */
export const mediationDecider: MediationDecider = createMediationDecider({
  rules: defaultMediationRules,
  calendar: CN_NATIONAL_CALENDAR,
});

// ---------------------------------------------------------------------------------------------
// decide

type StateOf<K extends MediationStatus> = Extract<MediationCaseState, { status: K }>;

const COMMAND_LABELS: Record<MediationCommandType, string> = {
  RegisterDispute: '登记纠纷',
  RequestConsent: '征求当事人意见',
  RecordConsent: '记录当事人意见',
  DeclineMediation: '不予调解',
  NotifyRights: '告知权利义务',
  AddDossierItem: '归入卷宗材料',
  AssignMediator: '指定调解员',
  RecuseMediator: '调解员回避',
  RecordSession: '记录调解',
  ReportRisk: '报告激化风险',
  ExtendMediation: '延长调解期限',
  ReachAgreement: '达成调解协议',
  SignAgreement: '签署调解协议',
  TerminateMediation: '终止调解',
  RecordPerformance: '记录履行情况',
  ReportPerformanceFailure: '记录未履行',
  FileJudicialConfirmation: '申请司法确认',
  RecordJudicialConfirmationDecision: '记录司法确认结果',
  ResumeMediation: '重新调解',
  RecordFollowUpVisit: '记录回访',
  TransferCase: '移交调解委员会',
  ArchiveCase: '归档',
  WarnDeadline: '期限预警',
  BreachDeadline: '期限超期',
  ReviseDeadline: '按新日历修订期限',
};

/** Open statuses: everything after registration and before archiving. */
const OPEN: readonly Exclude<MediationStatus, 'none' | 'archived'>[] = [
  'registered',
  'consent_pending',
  'declined',
  'accepted',
  'mediator_assigned',
  'mediating',
  'agreement_reached',
  'terminated',
  'performing',
  'performed',
  'performance_failed',
  'judicial_confirmation_filed',
  'confirmed',
  'not_confirmed',
];
/** Statuses in which mediation is under way (the mediation-duration clock runs). */
const IN_MEDIATION = ['accepted', 'mediator_assigned', 'mediating'] as const;
const BEFORE_ACCEPTANCE = ['registered', 'consent_pending'] as const;
const CLOSED: readonly ClosedStatus[] = [
  'declined',
  'terminated',
  'performed',
  'performance_failed',
  'confirmed',
  'not_confirmed',
];

function decideMediation(command: MediationCommand, state: MediationCaseState, deps: MediationDeciderDeps): MediationEvent[] {
  const stamp = auditStamp(command.meta);
  switch (command.type) {
    case 'RegisterDispute':
      return registerDispute(command, state, stamp);
    case 'RequestConsent':
      return requestConsent(command, state, stamp);
    case 'RecordConsent':
      return recordConsent(command, state, stamp, deps);
    case 'DeclineMediation':
      return declineMediation(command, state, stamp);
    case 'NotifyRights':
      return notifyRights(command, state, stamp);
    case 'AddDossierItem':
      return addDossierItem(command, state, stamp);
    case 'AssignMediator':
      return assignMediator(command, state, stamp);
    case 'RecuseMediator':
      return recuseMediator(command, state, stamp);
    case 'RecordSession':
      return recordSession(command, state, stamp);
    case 'ReportRisk':
      return reportRisk(command, state, stamp);
    case 'ExtendMediation':
      return extendMediation(command, state, stamp, deps);
    case 'ReachAgreement':
      return reachAgreement(command, state, stamp, deps);
    case 'SignAgreement':
      return signAgreement(command, state, stamp, deps);
    case 'TerminateMediation':
      return terminateMediation(command, state, stamp);
    case 'RecordPerformance':
      return recordPerformance(command, state, stamp);
    case 'ReportPerformanceFailure':
      return reportPerformanceFailure(command, state, stamp);
    case 'FileJudicialConfirmation':
      return fileJudicialConfirmation(command, state, stamp);
    case 'RecordJudicialConfirmationDecision':
      return recordJudicialConfirmationDecision(command, state, stamp);
    case 'ResumeMediation':
      return resumeMediation(command, state, stamp);
    case 'RecordFollowUpVisit':
      return recordFollowUpVisit(command, state, stamp);
    case 'TransferCase':
      return transferCase(command, state, stamp);
    case 'ArchiveCase':
      return archiveCase(command, state, stamp);
    case 'WarnDeadline':
      return warnDeadline(command, state, stamp);
    case 'BreachDeadline':
      return breachDeadline(command, state, stamp);
    case 'ReviseDeadline':
      return reviseMediationDeadlines(state, deps.calendar, stamp);
    default:
      return assertNever(command, 'mediation command');
  }
}

function expectStatus<K extends MediationStatus>(
  state: MediationCaseState,
  command: MediationCommandType,
  allowed: readonly K[],
): StateOf<K> {
  if ((allowed as readonly MediationStatus[]).includes(state.status)) return state as StateOf<K>;
  if (state.status === 'none') {
    throw new NotFoundError('MEDIATION.CASE_NOT_FOUND', '调解案件不存在或尚未登记', { command });
  }
  throw new IllegalStateError(
    'MEDIATION.INVALID_STATE',
    `案件当前状态为“${MEDIATION_STATUS_LABELS[state.status]}”，不能${COMMAND_LABELS[command]}`,
    { command, status: state.status, allowed: [...allowed] },
  );
}

function required(value: string | undefined, field: string, label: string): void {
  if (value === undefined || value.trim() === '') {
    throw new ValidationError('MEDIATION.FIELD_REQUIRED', `${label}不能为空`, { field });
  }
}

function requireReason(stamp: AuditStamp, command: MediationCommandType): void {
  if (stamp.reason === undefined) {
    throw new ValidationError('MEDIATION.REASON_REQUIRED', `${COMMAND_LABELS[command]}须说明理由`, { command });
  }
}

function requireKnownParties(state: RegisteredMediationCase, partyIds: readonly string[], field: string): void {
  const known = new Set(state.parties.map((p) => p.partyId));
  const unknown = partyIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ValidationError('MEDIATION.UNKNOWN_PARTY', `不是本案当事人：${unknown.join('、')}`, { field, unknown });
  }
}

function requireNonEmpty(list: readonly string[], field: string, label: string): void {
  if (list.length === 0) throw new ValidationError('MEDIATION.FIELD_REQUIRED', `${label}不能为空`, { field });
  if (new Set(list).size !== list.length) {
    throw new ValidationError('MEDIATION.DUPLICATE_ENTRY', `${label}有重复`, { field });
  }
}

/** Parties of the case not in `partyIds`. */
function missingParties(state: RegisteredMediationCase, partyIds: readonly string[]): string[] {
  const given = new Set(partyIds);
  return state.parties.map((p) => p.partyId).filter((id) => !given.has(id));
}

/** An instant given on a command must be a valid ISO instant, not after `now` and not before `notBefore`. */
function requireInstant(value: string, field: string, stamp: AuditStamp, notBefore?: { at: string; what: string }): number {
  const ms = parseInstant(value);
  if (ms > parseInstant(stamp.occurredAt)) {
    throw new ValidationError('MEDIATION.TIME_IN_FUTURE', `${field} 不能晚于当前时间`, { field, value, now: stamp.occurredAt });
  }
  if (notBefore && ms < parseInstant(notBefore.at)) {
    throw new ValidationError('MEDIATION.TIME_BEFORE_PREVIOUS_STEP', `${field} 不能早于${notBefore.what}`, {
      field,
      value,
      notBefore: notBefore.at,
    });
  }
  return ms;
}

function isEffective(agreement: Agreement | undefined): agreement is EffectiveAgreement {
  return agreement !== undefined && agreement.effectiveAt !== undefined && agreement.judicialConfirmationWindow !== undefined;
}

function requireEffective(state: RegisteredMediationCase, command: MediationCommandType): EffectiveAgreement {
  if (!isEffective(state.agreement)) {
    throw new IllegalStateError('MEDIATION.AGREEMENT_NOT_EFFECTIVE', `调解协议尚未生效，不能${COMMAND_LABELS[command]}`, {
      command,
    });
  }
  return state.agreement;
}

function registerDispute(command: RegisterDispute, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  if (state.status !== 'none') {
    throw new DomainError('MEDIATION.ALREADY_REGISTERED', '该调解案件已登记', 'conflict', { caseId: state.caseId });
  }
  const d = command.data;
  required(d.caseId, 'caseId', '案件编号');
  required(d.committeeId, 'committeeId', '调解委员会');
  required(d.summary, 'summary', '纠纷简要情况');
  if (d.parties.length < 2) {
    throw new ValidationError('MEDIATION.PARTIES_REQUIRED', '纠纷至少应有两方当事人', { count: d.parties.length });
  }
  requireNonEmpty(
    d.parties.map((p) => p.partyId),
    'parties',
    '当事人',
  );
  if (d.source.kind === 'application' && !d.parties.some((p) => p.role === 'applicant')) {
    throw new ValidationError('MEDIATION.APPLICANT_REQUIRED', '当事人申请调解的，应列明申请人', { source: d.source.kind });
  }
  if (d.source.kind === 'entrusted') required(d.source.entrustingUnitId, 'source.entrustingUnitId', '委托单位');
  if (d.source.kind === 'referred_from_grid_case') required(d.source.gridCaseId, 'source.gridCaseId', '网格事件编号');
  const referredByCourtOrPolice =
    d.source.kind === 'entrusted' && (d.source.entrustedBy === 'court' || d.source.entrustedBy === 'police');
  return [
    {
      type: 'DisputeRegistered',
      data: {
        caseId: d.caseId,
        committeeId: d.committeeId,
        committeeLevel: d.committeeLevel,
        source: d.source,
        parties: d.parties,
        summary: d.summary,
        ...(d.category !== undefined ? { category: d.category } : {}),
        ...(d.registrationDocumentRef !== undefined ? { registrationDocumentRef: d.registrationDocumentRef } : {}),
        ...stamp,
      },
      ...(referredByCourtOrPolice ? { legalBasis: LB.courtOrPoliceReferral } : {}),
    },
  ];
}

function requestConsent(command: RequestConsent, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['registered']);
  return [
    {
      type: 'ConsentRequested',
      data: { caseId: s.caseId, partyIds: s.parties.map((p) => p.partyId), ...stamp },
      legalBasis: LB.partyRefusal,
    },
  ];
}

function recordConsent(
  command: RecordConsent,
  state: MediationCaseState,
  stamp: AuditStamp,
  deps: MediationDeciderDeps,
): MediationEvent[] {
  const s = expectStatus(state, command.type, ['consent_pending']);
  const { partyId, consented, statementRef } = command.data;
  requireKnownParties(s, [partyId], 'partyId');
  if (s.consents.some((c) => c.partyId === partyId)) {
    throw new IllegalStateError('MEDIATION.CONSENT_ALREADY_RECORDED', '该当事人的意见已记录', { partyId });
  }
  const ref = statementRef !== undefined ? { statementRef } : {};
  if (!consented) {
    return [
      { type: 'ConsentRefused', data: { caseId: s.caseId, partyId, ...ref, ...stamp }, legalBasis: LB.partyRefusal },
      {
        type: 'MediationDeclined',
        data: { caseId: s.caseId, grounds: 'party_refused', refusingPartyId: partyId, ...stamp },
        legalBasis: LB.partyRefusal,
      },
    ];
  }
  const events: MediationEvent[] = [
    { type: 'ConsentGiven', data: { caseId: s.caseId, partyId, ...ref, ...stamp }, legalBasis: LB.partyRefusal },
  ];
  const stillMissing = missingParties(s, [...s.consents.map((c) => c.partyId), partyId]);
  if (stillMissing.length === 0) {
    const mediationDeadline = computeDeadline(deps.rules.mediationDuration, stamp.occurredAt, deps.calendar);
    events.push({
      type: 'MediationAccepted',
      data: { caseId: s.caseId, mediationDeadline, ...stamp },
      ...(mediationDeadline.legalBasis !== undefined ? { legalBasis: mediationDeadline.legalBasis } : {}),
    });
  }
  return events;
}

function declineMediation(command: DeclineMediation, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, BEFORE_ACCEPTANCE);
  requireReason(stamp, command.type);
  return [
    {
      type: 'MediationDeclined',
      data: { caseId: s.caseId, grounds: command.data.grounds, ...stamp },
      legalBasis: LB.scope,
    },
  ];
}

function notifyRights(command: NotifyRights, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [...BEFORE_ACCEPTANCE, ...IN_MEDIATION]);
  const { partyIds, documentRef } = command.data;
  requireNonEmpty(partyIds, 'partyIds', '告知对象');
  requireKnownParties(s, partyIds, 'partyIds');
  required(documentRef, 'documentRef', '权利义务告知书');
  return [{ type: 'RightsNotified', data: { caseId: s.caseId, partyIds, documentRef, ...stamp }, legalBasis: LB.partyRights }];
}

function addDossierItem(command: AddDossierItem, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, OPEN);
  const { item, documentRef } = command.data;
  if (!(DOSSIER_ITEMS as readonly string[]).includes(item)) {
    throw new ValidationError('MEDIATION.UNKNOWN_DOSSIER_ITEM', `未知的卷宗材料类型：${String(item)}`, { item });
  }
  required(documentRef, 'documentRef', '材料');
  return [{ type: 'DossierItemAdded', data: { caseId: s.caseId, item, documentRef, ...stamp }, legalBasis: LB.records }];
}

function assignMediator(command: AssignMediator, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, IN_MEDIATION);
  const { mediatorIds, method } = command.data;
  requireNonEmpty(mediatorIds, 'mediatorIds', '调解员');
  const already = mediatorIds.filter((id) => s.mediatorIds.includes(id));
  if (already.length > 0) {
    throw new ValidationError('MEDIATION.MEDIATOR_ALREADY_ASSIGNED', `调解员已在本案中：${already.join('、')}`, { already });
  }
  return [
    { type: 'MediatorAssigned', data: { caseId: s.caseId, mediatorIds, method, ...stamp }, legalBasis: LB.mediatorAssignment },
  ];
}

function recuseMediator(command: RecuseMediator, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['mediator_assigned', 'mediating']);
  const { mediatorId, grounds, requestedByPartyId } = command.data;
  if (!s.mediatorIds.includes(mediatorId)) {
    throw new ValidationError('MEDIATION.MEDIATOR_NOT_ASSIGNED', '该调解员未在本案中', { mediatorId });
  }
  if (grounds === 'party_request') {
    required(requestedByPartyId, 'requestedByPartyId', '申请回避的当事人');
    requireKnownParties(s, [requestedByPartyId as string], 'requestedByPartyId');
  }
  return [
    {
      type: 'MediatorRecused',
      data: {
        caseId: s.caseId,
        mediatorId,
        grounds,
        ...(requestedByPartyId !== undefined ? { requestedByPartyId } : {}),
        remainingMediatorIds: s.mediatorIds.filter((id) => id !== mediatorId),
        ...stamp,
      },
      ...(grounds === 'party_request' ? { legalBasis: LB.partyRights } : {}),
    },
  ];
}

function recordSession(command: RecordSession, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['mediator_assigned', 'mediating']);
  const d = command.data;
  required(d.sessionId, 'sessionId', '调解记录编号');
  if (s.sessionIds.includes(d.sessionId)) {
    throw new DomainError('MEDIATION.DUPLICATE_SESSION', '该次调解已记录', 'conflict', { sessionId: d.sessionId });
  }
  requireInstant(d.heldAt, 'heldAt', stamp, { at: s.acceptedAt, what: '受理时间' });
  requireNonEmpty(d.mediatorIds, 'mediatorIds', '主持调解的调解员');
  const notAssigned = d.mediatorIds.filter((id) => !s.mediatorIds.includes(id));
  if (notAssigned.length > 0) {
    throw new ValidationError('MEDIATION.MEDIATOR_NOT_ASSIGNED', `调解员未在本案中：${notAssigned.join('、')}`, { notAssigned });
  }
  requireNonEmpty(d.attendingPartyIds, 'attendingPartyIds', '到场当事人');
  requireKnownParties(s, d.attendingPartyIds, 'attendingPartyIds');
  const invited = d.invitedParticipants ?? [];
  const withoutConsent = invited.filter((p) => !p.partiesConsented).map((p) => p.participantId);
  if (withoutConsent.length > 0) {
    throw new ValidationError(
      'MEDIATION.INVITEE_CONSENT_REQUIRED',
      `邀请他人参与调解须经当事人同意（人民调解法第二十条）：${withoutConsent.join('、')}`,
      { withoutConsent },
    );
  }
  required(d.summary, 'summary', '调解情况');
  return [
    {
      type: 'SessionRecorded',
      data: {
        caseId: s.caseId,
        sessionId: d.sessionId,
        heldAt: d.heldAt,
        mediatorIds: d.mediatorIds,
        attendingPartyIds: d.attendingPartyIds,
        invitedParticipants: invited,
        summary: d.summary,
        ...(d.recordRef !== undefined ? { recordRef: d.recordRef } : {}),
        ...stamp,
      },
      legalBasis: invited.length > 0 ? `${LB.invitedParticipants};${LB.records}` : LB.records,
    },
  ];
}

function reportRisk(command: ReportRisk, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, OPEN);
  const { riskKind, measures, policeUnitId } = command.data;
  required(measures, 'measures', '已采取的预防措施');
  required(policeUnitId, 'policeUnitId', '报告的公安机关');
  return [
    {
      type: 'RiskReportedToPolice',
      data: { caseId: s.caseId, riskKind, measures, policeUnitId, ...stamp },
      legalBasis: LB.policeReport,
    },
  ];
}

function extendMediation(
  command: ExtendMediation,
  state: MediationCaseState,
  stamp: AuditStamp,
  deps: MediationDeciderDeps,
): MediationEvent[] {
  const s = expectStatus(state, command.type, IN_MEDIATION);
  const { extendBy, consentingPartyIds } = command.data;
  if (!(Number.isInteger(extendBy) && extendBy > 0)) {
    throw new ValidationError('MEDIATION.INVALID_EXTENSION', '延长期限须为正整数', { extendBy });
  }
  requireKnownParties(s, consentingPartyIds, 'consentingPartyIds');
  const missing = missingParties(s, consentingPartyIds);
  if (missing.length > 0) {
    throw new ValidationError('MEDIATION.EXTENSION_CONSENT_REQUIRED', '延长调解期限须经各方当事人同意', { missing });
  }
  const current = s.mediationDeadline.deadline;
  const warnBefore = deps.rules.mediationDuration.warnBefore;
  const mediationDeadline = computeDeadline(
    {
      ruleId: current.ruleId,
      ...(current.legalBasis !== undefined ? { legalBasis: current.legalBasis } : {}),
      duration: current.duration + extendBy,
      unit: current.unit,
      ...(warnBefore !== undefined ? { warnBefore } : {}),
    },
    current.startAt,
    deps.calendar,
  );
  return [
    {
      type: 'MediationExtended',
      data: { caseId: s.caseId, extendBy, consentingPartyIds, previousDueAt: current.dueAt, mediationDeadline, ...stamp },
      ...(current.legalBasis !== undefined ? { legalBasis: current.legalBasis } : {}),
    },
  ];
}

function agreementTookEffect(
  caseId: string,
  agreementId: string,
  stamp: AuditStamp,
  deps: MediationDeciderDeps,
  signedByPartyIds: string[] | undefined,
  legalBasis: string,
  signedAt?: string,
): MediationEvent {
  const effectiveAt = signedAt ?? stamp.occurredAt;
  return {
    type: 'AgreementTookEffect',
    data: {
      caseId,
      agreementId,
      effectiveAt,
      ...(signedAt !== undefined ? { signedAt } : {}),
      ...(signedByPartyIds !== undefined ? { signedByPartyIds } : {}),
      judicialConfirmationWindow: computeDeadline(deps.rules.judicialConfirmationWindow, effectiveAt, deps.calendar),
      ...stamp,
    },
    legalBasis,
  };
}

function reachAgreement(
  command: ReachAgreement,
  state: MediationCaseState,
  stamp: AuditStamp,
  deps: MediationDeciderDeps,
): MediationEvent[] {
  const s = expectStatus(state, command.type, ['mediating']);
  const { agreementId, form, terms, documentRef } = command.data;
  required(agreementId, 'agreementId', '协议编号');
  required(terms, 'terms', '协议内容');
  const reached: MediationEvent = {
    type: 'AgreementReached',
    data: { caseId: s.caseId, agreementId, form, terms, ...(documentRef !== undefined ? { documentRef } : {}), ...stamp },
    legalBasis: LB.agreementForm,
  };
  return form === 'oral'
    ? [reached, agreementTookEffect(s.caseId, agreementId, stamp, deps, undefined, LB.oralAgreementEffect)]
    : [reached];
}

function signAgreement(
  command: SignAgreement,
  state: MediationCaseState,
  stamp: AuditStamp,
  deps: MediationDeciderDeps,
): MediationEvent[] {
  const s = expectStatus(state, command.type, ['agreement_reached']);
  if (isEffective(s.agreement)) {
    throw new IllegalStateError('MEDIATION.AGREEMENT_ALREADY_EFFECTIVE', '调解协议已生效', {
      agreementId: s.agreement.agreementId,
    });
  }
  const { signedByPartyIds, mediatorSigned, committeeSealed } = command.data;
  requireKnownParties(s, signedByPartyIds, 'signedByPartyIds');
  const unsigned = missingParties(s, signedByPartyIds);
  if (unsigned.length > 0 || !mediatorSigned || !committeeSealed) {
    throw new ValidationError(
      'MEDIATION.SIGNATURES_INCOMPLETE',
      '调解协议书须经各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章后生效',
      { unsignedPartyIds: unsigned, mediatorSigned, committeeSealed },
    );
  }
  const { signedAt } = command.data;
  if (signedAt !== undefined) {
    let t: number;
    try {
      t = parseInstant(signedAt);
    } catch {
      throw new ValidationError('MEDIATION.INVALID_SIGNING_TIME', `签署时间格式无效：${signedAt}`, { signedAt });
    }
    if (t < parseInstant(s.agreement.reachedAt) || t > parseInstant(stamp.occurredAt)) {
      throw new ValidationError('MEDIATION.INVALID_SIGNING_TIME', `签署时间 ${signedAt} 须在达成协议之后、记录之前`, {
        signedAt,
        reachedAt: s.agreement.reachedAt,
        recordedAt: stamp.occurredAt,
      });
    }
  }
  return [agreementTookEffect(s.caseId, s.agreement.agreementId, stamp, deps, signedByPartyIds, LB.writtenAgreementEffect, signedAt)];
}

function terminateMediation(command: TerminateMediation, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [...IN_MEDIATION, 'agreement_reached']);
  if (s.status === 'agreement_reached' && isEffective(s.agreement)) {
    throw new IllegalStateError('MEDIATION.AGREEMENT_ALREADY_EFFECTIVE', '调解协议已生效，不能终止调解', {
      agreementId: s.agreement.agreementId,
    });
  }
  const { grounds, routesTold, noticeRef, withdrawingPartyId } = command.data;
  if (grounds === 'party_withdrew') {
    // §23: a party may end the mediation; the record says which party did
    if (withdrawingPartyId === undefined || !s.parties.some((p) => p.partyId === withdrawingPartyId)) {
      throw new ValidationError('MEDIATION.WITHDRAWING_PARTY_REQUIRED', '当事人要求终止调解的，须注明是哪一方当事人（人民调解法第二十三条）', {
        withdrawingPartyId,
        parties: s.parties.map((p) => p.partyId),
      });
    }
  } else if (withdrawingPartyId !== undefined) {
    throw new ValidationError('MEDIATION.WITHDRAWING_PARTY_NOT_APPLICABLE', '只有当事人要求终止调解时才记录终止方', { grounds });
  }
  const notTold = RELIEF_ROUTES.filter((r) => !routesTold.includes(r));
  if (notTold.length > 0) {
    throw new ValidationError(
      'MEDIATION.ROUTES_NOT_TOLD',
      '终止调解应告知当事人可以依法通过仲裁、行政、司法等途径维护权利（人民调解法第二十六条）',
      { notTold },
    );
  }
  requireNonEmpty(routesTold, 'routesTold', '告知的途径');
  return [
    {
      type: 'MediationTerminated',
      data: {
        caseId: s.caseId,
        grounds,
        routesTold,
        ...(noticeRef !== undefined ? { noticeRef } : {}),
        ...(withdrawingPartyId !== undefined ? { withdrawingPartyId } : {}),
        ...stamp,
      },
      legalBasis: grounds === 'party_withdrew' ? `${LB.partyRights};${LB.termination}` : LB.termination,
    },
  ];
}

function recordPerformance(command: RecordPerformance, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [
    'agreement_reached',
    'performing',
    'judicial_confirmation_filed',
    'confirmed',
    'not_confirmed',
  ]);
  requireEffective(s, command.type);
  const { complete, description, evidenceRef } = command.data;
  required(description, 'description', '履行情况');
  return [
    {
      type: 'PerformanceRecorded',
      data: { caseId: s.caseId, complete, description, ...(evidenceRef !== undefined ? { evidenceRef } : {}), ...stamp },
      legalBasis: LB.performanceSupervision,
    },
  ];
}

function reportPerformanceFailure(
  command: ReportPerformanceFailure,
  state: MediationCaseState,
  stamp: AuditStamp,
): MediationEvent[] {
  const s = expectStatus(state, command.type, ['agreement_reached', 'performing', 'confirmed', 'not_confirmed']);
  requireEffective(s, command.type);
  const { defaultingPartyIds, description } = command.data;
  requireNonEmpty(defaultingPartyIds, 'defaultingPartyIds', '未履行的当事人');
  requireKnownParties(s, defaultingPartyIds, 'defaultingPartyIds');
  required(description, 'description', '未履行情况');
  const confirmed = s.status === 'confirmed';
  return [
    {
      type: 'PerformanceFailed',
      data: {
        caseId: s.caseId,
        defaultingPartyIds,
        description,
        routesTold: confirmed ? ['enforcement'] : ['litigation'],
        ...stamp,
      },
      legalBasis: confirmed ? LB.judicialConfirmationDecision : LB.performanceDispute,
    },
  ];
}

function fileJudicialConfirmation(
  command: FileJudicialConfirmation,
  state: MediationCaseState,
  stamp: AuditStamp,
): MediationEvent[] {
  const s = expectStatus(state, command.type, ['agreement_reached', 'performing']);
  const agreement = requireEffective(s, command.type);
  const { courtId, filedAt, applicantPartyIds, documentRef } = command.data;
  required(courtId, 'courtId', '人民法院');
  requireKnownParties(s, applicantPartyIds, 'applicantPartyIds');
  const absent = missingParties(s, applicantPartyIds);
  if (absent.length > 0) {
    throw new ValidationError('MEDIATION.JOINT_APPLICATION_REQUIRED', '司法确认须由双方当事人共同申请', { absent });
  }
  const filedMs = requireInstant(filedAt, 'filedAt', stamp, { at: agreement.effectiveAt, what: '协议生效时间' });
  const window = agreement.judicialConfirmationWindow;
  if (filedMs >= parseInstant(window.dueAt)) {
    throw new IllegalStateError(
      'MEDIATION.JUDICIAL_CONFIRMATION_WINDOW_CLOSED',
      `申请司法确认应自调解协议生效之日起三十日内提出，期限已于${window.lastDay ?? window.dueAt}届满`,
      { filedAt, dueAt: window.dueAt, lastDay: window.lastDay, legalBasis: window.legalBasis },
    );
  }
  return [
    {
      type: 'JudicialConfirmationFiled',
      data: {
        caseId: s.caseId,
        courtId,
        filedAt,
        applicantPartyIds,
        windowDueAt: window.dueAt,
        ...(documentRef !== undefined ? { documentRef } : {}),
        ...stamp,
      },
      legalBasis: LB.judicialConfirmation,
    },
  ];
}

function recordJudicialConfirmationDecision(
  command: RecordJudicialConfirmationDecision,
  state: MediationCaseState,
  stamp: AuditStamp,
): MediationEvent[] {
  const s = expectStatus(state, command.type, ['judicial_confirmation_filed']);
  const { confirmed, decidedAt, rulingRef } = command.data;
  required(rulingRef, 'rulingRef', '裁定书');
  requireInstant(decidedAt, 'decidedAt', stamp, { at: s.judicialConfirmation.filedAt, what: '申请时间' });
  return [
    {
      type: 'JudicialConfirmationDecided',
      data: { caseId: s.caseId, confirmed, decidedAt, rulingRef, ...stamp },
      legalBasis: LB.judicialConfirmationDecision,
    },
  ];
}

function resumeMediation(command: ResumeMediation, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['not_confirmed']);
  return [{ type: 'MediationResumed', data: { caseId: s.caseId, ...stamp }, legalBasis: LB.judicialConfirmationDecision }];
}

function recordFollowUpVisit(command: RecordFollowUpVisit, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [
    'agreement_reached',
    'performing',
    'performed',
    'performance_failed',
    'judicial_confirmation_filed',
    'confirmed',
    'not_confirmed',
    'terminated',
  ]);
  if (s.status === 'agreement_reached') requireEffective(s, command.type);
  const { visitedPartyIds, performanceSatisfactory, reescalationRisk, recordRef } = command.data;
  requireNonEmpty(visitedPartyIds, 'visitedPartyIds', '回访对象');
  requireKnownParties(s, visitedPartyIds, 'visitedPartyIds');
  return [
    {
      type: 'FollowUpVisited',
      data: {
        caseId: s.caseId,
        visitedPartyIds,
        performanceSatisfactory,
        reescalationRisk,
        ...(recordRef !== undefined ? { recordRef } : {}),
        ...stamp,
      },
    },
  ];
}

function transferCase(command: TransferCase, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [...BEFORE_ACCEPTANCE, ...IN_MEDIATION]);
  const { toCommitteeId, toLevel } = command.data;
  required(toCommitteeId, 'toCommitteeId', '接收的调解委员会');
  if (toCommitteeId === s.committeeId) {
    throw new ValidationError('MEDIATION.SAME_COMMITTEE', '不能移交给本调解委员会', { toCommitteeId });
  }
  requireReason(stamp, command.type);
  return [
    {
      type: 'CaseTransferred',
      data: {
        caseId: s.caseId,
        fromCommitteeId: s.committeeId,
        fromLevel: s.committeeLevel,
        toCommitteeId,
        toLevel,
        releasedMediatorIds: s.mediatorIds,
        ...stamp,
      },
    },
  ];
}

function archiveCase(command: ArchiveCase, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, CLOSED);
  const present = new Set(s.dossier.map((d) => d.item));
  const needed = requiredDossierItems({
    accepted: s.acceptedAt !== undefined,
    sessionsHeld: s.sessionIds.length > 0,
    agreementReached: s.agreement !== undefined,
  });
  const missing = needed.filter((item) => !present.has(item));
  if (missing.length > 0) {
    throw new IllegalStateError(
      'MEDIATION.DOSSIER_INCOMPLETE',
      `卷宗材料不全，不能归档：缺少${missing.map((m) => DOSSIER_ITEM_LABELS[m]).join('、')}`,
      { missing },
    );
  }
  return [
    {
      type: 'CaseArchived',
      data: {
        caseId: s.caseId,
        closedAs: s.status,
        dossierItems: DOSSIER_ITEMS.filter((i) => present.has(i)),
        ...stamp,
      },
      legalBasis: LB.records,
    },
  ];
}

function activeDeadline(state: MediationCaseState, command: MediationCommandType): { caseId: string; tracked: TrackedDeadline } {
  if (state.status === 'none') {
    throw new NotFoundError('MEDIATION.CASE_NOT_FOUND', '调解案件不存在或尚未登记', { command });
  }
  if (!(IN_MEDIATION as readonly string[]).includes(state.status) || state.mediationDeadline === undefined) {
    throw new IllegalStateError('MEDIATION.DEADLINE_NOT_ACTIVE', '调解期限不在计时中', {
      command,
      status: state.status,
    });
  }
  return { caseId: state.caseId, tracked: state.mediationDeadline };
}

function deadlineEvent(
  type: 'DeadlineWarned' | 'DeadlineBreached',
  caseId: string,
  deadline: Deadline,
  stamp: AuditStamp,
): MediationEvent {
  return {
    type,
    data: { caseId, kind: 'mediation_duration', deadline, ...stamp },
    ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
  };
}

function warnDeadline(command: WarnMediationDeadline, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const { caseId, tracked } = activeDeadline(state, command.type);
  if (tracked.warned || tracked.breached) return []; // a redelivered or late timer: nothing new to record
  const { deadline } = tracked;
  if (deadline.warnAt === undefined) {
    throw new IllegalStateError('MEDIATION.DEADLINE_HAS_NO_WARNING', '该期限未设置预警', { ruleId: deadline.ruleId });
  }
  if (!isWarningDue(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('MEDIATION.DEADLINE_NOT_DUE', `尚未到预警时间（${deadline.warnAt}）`, {
      warnAt: deadline.warnAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineWarned', caseId, deadline, stamp)];
}

function breachDeadline(command: BreachMediationDeadline, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const { caseId, tracked } = activeDeadline(state, command.type);
  if (tracked.breached) return [];
  const { deadline } = tracked;
  if (!isBreached(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('MEDIATION.DEADLINE_NOT_DUE', `尚未到期（${deadline.dueAt}）`, {
      dueAt: deadline.dueAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineBreached', caseId, deadline, stamp)];
}

// ---------------------------------------------------------------------------------------------
// evolve — never throws; an event that does not fit the state leaves it unchanged.

const track = (deadline: Deadline): TrackedDeadline => ({ deadline, warned: false, breached: false });

function withDossier(dossier: DossierEntry[], item: DossierItemKind, documentRef: string | undefined, at: string): DossierEntry[] {
  return documentRef === undefined ? dossier : [...dossier, { item, documentRef, addedAt: at }];
}

export function evolveMediationCase(state: MediationCaseState, event: MediationEvent): MediationCaseState {
  if (state.status === 'none') {
    if (event.type !== 'DisputeRegistered') return state;
    const d = event.data;
    return {
      status: 'registered',
      caseId: d.caseId,
      committeeId: d.committeeId,
      committeeLevel: d.committeeLevel,
      source: d.source,
      parties: d.parties,
      summary: d.summary,
      ...(d.category !== undefined ? { category: d.category } : {}),
      registeredAt: d.occurredAt,
      consents: [],
      rightsNotifiedPartyIds: [],
      mediatorIds: [],
      sessionIds: [],
      dossier: withDossier([], 'application_or_registration', d.registrationDocumentRef, d.occurredAt),
      riskReports: 0,
      followUpVisits: 0,
      transfers: 0,
      extendedBy: 0,
      performance: { records: 0, complete: false },
    };
  }
  const s = state;
  switch (event.type) {
    case 'DisputeRegistered':
      return s;
    case 'ConsentRequested':
      return s.status === 'registered' ? { ...s, status: 'consent_pending' } : s;
    case 'ConsentGiven':
    case 'ConsentRefused':
      return {
        ...s,
        consents: [
          ...s.consents,
          { partyId: event.data.partyId, consented: event.type === 'ConsentGiven', at: event.data.occurredAt },
        ],
      };
    case 'MediationAccepted':
      return s.status === 'consent_pending'
        ? {
            ...s,
            status: 'accepted',
            acceptedAt: event.data.occurredAt,
            mediationDeadline: track(event.data.mediationDeadline),
          }
        : s;
    case 'MediationDeclined':
      return s.status === 'registered' || s.status === 'consent_pending'
        ? { ...s, status: 'declined', declined: { grounds: event.data.grounds, at: event.data.occurredAt } }
        : s;
    case 'RightsNotified':
      return {
        ...s,
        rightsNotifiedPartyIds: [...new Set([...s.rightsNotifiedPartyIds, ...event.data.partyIds])],
        dossier: withDossier(s.dossier, 'rights_notice', event.data.documentRef, event.data.occurredAt),
      };
    case 'DossierItemAdded':
      return { ...s, dossier: withDossier(s.dossier, event.data.item, event.data.documentRef, event.data.occurredAt) };
    case 'MediatorAssigned': {
      const mediatorIds = [...s.mediatorIds, ...event.data.mediatorIds];
      return s.status === 'accepted' ? { ...s, status: 'mediator_assigned', mediatorIds } : { ...s, mediatorIds };
    }
    case 'MediatorRecused': {
      const mediatorIds = s.mediatorIds.filter((id) => id !== event.data.mediatorId);
      if ((s.status === 'mediator_assigned' || s.status === 'mediating') && mediatorIds.length === 0) {
        return { ...s, status: 'accepted', mediatorIds };
      }
      return { ...s, mediatorIds };
    }
    case 'SessionRecorded': {
      const next = {
        sessionIds: [...s.sessionIds, event.data.sessionId],
        dossier: withDossier(s.dossier, 'mediation_record', event.data.recordRef, event.data.occurredAt),
      };
      return s.status === 'mediator_assigned' ? { ...s, ...next, status: 'mediating' } : { ...s, ...next };
    }
    case 'RiskReportedToPolice':
      return { ...s, riskReports: s.riskReports + 1 };
    case 'MediationExtended':
      return {
        ...s,
        extendedBy: s.extendedBy + event.data.extendBy,
        mediationDeadline: track(event.data.mediationDeadline),
      };
    case 'AgreementReached': {
      if (s.status !== 'mediating') return s;
      const d = event.data;
      return {
        ...s,
        status: 'agreement_reached',
        agreement: {
          agreementId: d.agreementId,
          form: d.form,
          terms: d.terms,
          reachedAt: d.occurredAt,
          ...(d.documentRef !== undefined ? { documentRef: d.documentRef } : {}),
        },
        dossier: withDossier(s.dossier, 'agreement', d.documentRef, d.occurredAt),
      };
    }
    case 'AgreementTookEffect':
      return s.status === 'agreement_reached'
        ? {
            ...s,
            agreement: {
              ...s.agreement,
              effectiveAt: event.data.effectiveAt,
              judicialConfirmationWindow: event.data.judicialConfirmationWindow,
            },
          }
        : s;
    case 'MediationTerminated':
      return s.status === 'accepted' ||
        s.status === 'mediator_assigned' ||
        s.status === 'mediating' ||
        s.status === 'agreement_reached'
        ? {
            ...s,
            status: 'terminated',
            termination: { grounds: event.data.grounds, routesTold: event.data.routesTold, at: event.data.occurredAt },
          }
        : s;
    case 'PerformanceRecorded': {
      const performance = {
        records: s.performance.records + 1,
        complete: s.performance.complete || event.data.complete,
      };
      const dossier = withDossier(s.dossier, 'performance_evidence', event.data.evidenceRef, event.data.occurredAt);
      if (s.status === 'judicial_confirmation_filed') return { ...s, performance, dossier };
      if (
        (s.status === 'agreement_reached' ||
          s.status === 'performing' ||
          s.status === 'confirmed' ||
          s.status === 'not_confirmed') &&
        isEffective(s.agreement)
      ) {
        const agreement = s.agreement;
        return event.data.complete
          ? { ...s, performance, dossier, agreement, status: 'performed' }
          : { ...s, performance, dossier, agreement, status: 'performing' };
      }
      return s;
    }
    case 'PerformanceFailed':
      return (s.status === 'agreement_reached' ||
        s.status === 'performing' ||
        s.status === 'confirmed' ||
        s.status === 'not_confirmed') &&
        isEffective(s.agreement)
        ? { ...s, agreement: s.agreement, status: 'performance_failed' }
        : s;
    case 'JudicialConfirmationFiled':
      return (s.status === 'agreement_reached' || s.status === 'performing') && isEffective(s.agreement)
        ? {
            ...s,
            agreement: s.agreement,
            status: 'judicial_confirmation_filed',
            judicialConfirmation: { courtId: event.data.courtId, filedAt: event.data.filedAt },
            dossier: withDossier(s.dossier, 'judicial_confirmation_papers', event.data.documentRef, event.data.occurredAt),
          }
        : s;
    case 'JudicialConfirmationDecided': {
      if (s.status !== 'judicial_confirmation_filed') return s;
      const d = event.data;
      const judicialConfirmation = {
        ...s.judicialConfirmation,
        decision: { confirmed: d.confirmed, decidedAt: d.decidedAt, rulingRef: d.rulingRef },
      };
      const dossier = withDossier(s.dossier, 'judicial_confirmation_papers', d.rulingRef, d.occurredAt);
      return d.confirmed
        ? { ...s, judicialConfirmation, dossier, status: 'confirmed' }
        : { ...s, judicialConfirmation, dossier, status: 'not_confirmed' };
    }
    case 'MediationResumed': {
      if (s.status !== 'not_confirmed' || s.mediationDeadline === undefined) return s;
      const mediationDeadline = s.mediationDeadline;
      return s.mediatorIds.length > 0
        ? { ...s, mediationDeadline, status: 'mediating' }
        : { ...s, mediationDeadline, status: 'accepted' };
    }
    case 'FollowUpVisited':
      return {
        ...s,
        followUpVisits: s.followUpVisits + 1,
        dossier: withDossier(s.dossier, 'follow_up_record', event.data.recordRef, event.data.occurredAt),
      };
    case 'CaseTransferred': {
      const moved = {
        committeeId: event.data.toCommitteeId,
        committeeLevel: event.data.toLevel,
        mediatorIds: [],
        transfers: s.transfers + 1,
      };
      return s.status === 'mediator_assigned' || s.status === 'mediating'
        ? { ...s, ...moved, status: 'accepted' }
        : { ...s, ...moved };
    }
    case 'CaseArchived':
      return (CLOSED as readonly string[]).includes(s.status)
        ? { ...s, status: 'archived', archivedAt: event.data.occurredAt, closedAs: event.data.closedAs }
        : s;
    case 'DeadlineWarned':
    case 'DeadlineBreached': {
      const tracked = s.mediationDeadline;
      if (tracked === undefined || tracked.deadline.dueAt !== event.data.deadline.dueAt) return s;
      const mediationDeadline =
        event.type === 'DeadlineWarned' ? { ...tracked, warned: true } : { ...tracked, breached: true };
      return { ...s, mediationDeadline };
    }
    case 'DeadlineRevised':
      return evolveRevised(s, event);
    default: {
      // Compile-time exhaustiveness (a new event type must be handled above). At run time an
      // unknown event leaves the state unchanged, because evolve never throws.
      const unknown: never = event;
      void unknown;
      return s;
    }
  }
}

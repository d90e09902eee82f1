import { Actor, CommandMeta, Deadline } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { MediationCommand } from '../mediation-case/mediation-case.commands';
import { MediationEvent } from '../mediation-case/mediation-case.events';
import { MEDIATION_LEGAL_BASIS as LB } from '../mediation-case/mediation-case.rules';

/** Test data for the mediation specs: events are built by hand, deadlines are literal values. */
export const CASE_ID = 'case-0001';
export const COMMITTEE = 'committee-village-1';
export const PARTY_A = 'party-a';
export const PARTY_B = 'party-b';
export const MEDIATOR_1 = 'mediator-1';
export const MEDIATOR_2 = 'mediator-2';

export const mediator: Actor = { userId: 'u-mediator-1', role: 'mediator', unitId: COMMITTEE };
export const scheduler: Actor = { userId: 'scheduler', role: 'system', unitId: 'district' };

export function meta(now: string, opts: { actor?: Actor; reason?: string } = {}): CommandMeta {
  return { actor: opts.actor ?? mediator, now, ...(opts.reason !== undefined ? { reason: opts.reason } : {}) };
}

export function stamp(at: string, opts: { actor?: Actor; reason?: string } = {}): AuditStamp {
  return { actor: opts.actor ?? mediator, occurredAt: at, ...(opts.reason !== undefined ? { reason: opts.reason } : {}) };
}

export function cmd<C extends MediationCommand>(type: C['type'], data: C['data'], m: CommandMeta): C {
  return { type, data, meta: m } as C;
}

/** Business times of the main journey (Beijing time, 2025). */
export const T = {
  registered: '2025-03-03T09:00:00+08:00',
  consentRequested: '2025-03-03T10:00:00+08:00',
  consentA: '2025-03-04T09:00:00+08:00',
  accepted: '2025-03-04T10:00:00+08:00',
  rights: '2025-03-04T11:00:00+08:00',
  assigned: '2025-03-05T09:00:00+08:00',
  sessionHeld: '2025-03-10T14:00:00+08:00',
  sessionRecorded: '2025-03-10T17:00:00+08:00',
  agreement: '2025-03-20T15:00:00+08:00',
  signed: '2025-03-21T10:00:00+08:00',
  performed: '2025-03-28T10:00:00+08:00',
  filed: '2025-03-25T09:00:00+08:00',
  decided: '2025-04-08T09:00:00+08:00',
  archived: '2025-05-06T09:00:00+08:00',
} as const;

/** Mediation duration from acceptance on Tue 2025-03-04: 30 days → Thu 2025-04-03, 24:00. */
export const MEDIATION_DEADLINE: Deadline = {
  ruleId: 'mediation.duration',
  legalBasis: LB.mediationDuration,
  duration: 30,
  unit: 'calendar_days',
  startAt: '2025-03-04T02:00:00.000Z',
  dueAt: '2025-04-03T16:00:00.000Z',
  warnAt: '2025-03-29T16:00:00.000Z',
  calendarId: 'CN',
  calendarVersion: '2026-1',
  lastDay: '2025-04-03',
};

/** Judicial-confirmation window from the agreement signed Fri 2025-03-21: day 30 is Sun 04-20 → Mon 04-21. */
export const JC_WINDOW: Deadline = {
  ruleId: 'mediation.judicial_confirmation_window',
  legalBasis: LB.judicialConfirmation,
  duration: 30,
  unit: 'calendar_days',
  startAt: '2025-03-21T02:00:00.000Z',
  dueAt: '2025-04-21T16:00:00.000Z',
  calendarId: 'CN',
  calendarVersion: '2026-1',
  lastDay: '2025-04-21',
  shiftedFrom: '2025-04-20',
};

export const ev = {
  registered: (over: Partial<Extract<MediationEvent, { type: 'DisputeRegistered' }>['data']> = {}): MediationEvent => ({
    type: 'DisputeRegistered',
    data: {
      caseId: CASE_ID,
      committeeId: COMMITTEE,
      committeeLevel: 'village',
      source: { kind: 'application' },
      parties: [
        { partyId: PARTY_A, role: 'applicant' },
        { partyId: PARTY_B, role: 'respondent' },
      ],
      summary: '相邻关系纠纷：排水沟堵塞',
      registrationDocumentRef: 'doc-registration',
      ...stamp(T.registered),
      ...over,
    },
  }),
  consentRequested: (): MediationEvent => ({
    type: 'ConsentRequested',
    data: { caseId: CASE_ID, partyIds: [PARTY_A, PARTY_B], ...stamp(T.consentRequested) },
    legalBasis: LB.partyRefusal,
  }),
  consentGiven: (partyId: string, at: string): MediationEvent => ({
    type: 'ConsentGiven',
    data: { caseId: CASE_ID, partyId, ...stamp(at) },
    legalBasis: LB.partyRefusal,
  }),
  consentRefused: (partyId: string, at: string): MediationEvent => ({
    type: 'ConsentRefused',
    data: { caseId: CASE_ID, partyId, ...stamp(at) },
    legalBasis: LB.partyRefusal,
  }),
  accepted: (at: string = T.accepted, deadline: Deadline = MEDIATION_DEADLINE): MediationEvent => ({
    type: 'MediationAccepted',
    data: { caseId: CASE_ID, mediationDeadline: deadline, ...stamp(at) },
    legalBasis: LB.mediationDuration,
  }),
  declinedByParty: (partyId: string, at: string): MediationEvent => ({
    type: 'MediationDeclined',
    data: { caseId: CASE_ID, grounds: 'party_refused', refusingPartyId: partyId, ...stamp(at) },
    legalBasis: LB.partyRefusal,
  }),
  rightsNotified: (at: string = T.rights): MediationEvent => ({
    type: 'RightsNotified',
    data: { caseId: CASE_ID, partyIds: [PARTY_A, PARTY_B], documentRef: 'doc-rights', ...stamp(at) },
    legalBasis: LB.partyRights,
  }),
  dossierItem: (item: Extract<MediationEvent, { type: 'DossierItemAdded' }>['data']['item'], documentRef: string, at: string): MediationEvent => ({
    type: 'DossierItemAdded',
    data: { caseId: CASE_ID, item, documentRef, ...stamp(at) },
    legalBasis: LB.records,
  }),
  mediatorAssigned: (mediatorIds: string[] = [MEDIATOR_1], at: string = T.assigned): MediationEvent => ({
    type: 'MediatorAssigned',
    data: { caseId: CASE_ID, mediatorIds, method: 'designated', ...stamp(at) },
    legalBasis: LB.mediatorAssignment,
  }),
  session: (sessionId = 'session-1', recordRef: string | null = 'doc-record-1'): MediationEvent => ({
    type: 'SessionRecorded',
    data: {
      caseId: CASE_ID,
      sessionId,
      heldAt: T.sessionHeld,
      mediatorIds: [MEDIATOR_1],
      attendingPartyIds: [PARTY_A, PARTY_B],
      invitedParticipants: [],
      summary: '双方陈述，调解员释法',
      ...(recordRef !== null ? { recordRef } : {}),
      ...stamp(T.sessionRecorded),
    },
    legalBasis: LB.records,
  }),
  agreementReached: (form: 'written' | 'oral' = 'written', at: string = T.agreement): MediationEvent => ({
    type: 'AgreementReached',
    data: {
      caseId: CASE_ID,
      agreementId: 'agreement-1',
      form,
      terms: '乙方于三月底前疏通排水沟',
      documentRef: 'doc-agreement',
      ...stamp(at),
    },
    legalBasis: LB.agreementForm,
  }),
  agreementSigned: (at: string = T.signed, window: Deadline = JC_WINDOW): MediationEvent => ({
    type: 'AgreementTookEffect',
    data: {
      caseId: CASE_ID,
      agreementId: 'agreement-1',
      effectiveAt: at,
      signedByPartyIds: [PARTY_A, PARTY_B],
      judicialConfirmationWindow: window,
      ...stamp(at),
    },
    legalBasis: LB.writtenAgreementEffect,
  }),
  terminated: (at = '2025-03-25T10:00:00+08:00'): MediationEvent => ({
    type: 'MediationTerminated',
    data: {
      caseId: CASE_ID,
      grounds: 'no_agreement',
      routesTold: ['arbitration', 'administrative', 'judicial'],
      ...stamp(at),
    },
    legalBasis: LB.termination,
  }),
  performance: (complete: boolean, at: string = T.performed): MediationEvent => ({
    type: 'PerformanceRecorded',
    data: { caseId: CASE_ID, complete, description: complete ? '已疏通' : '已部分疏通', ...stamp(at) },
    legalBasis: LB.performanceSupervision,
  }),
  performanceFailed: (at = '2025-04-02T10:00:00+08:00'): MediationEvent => ({
    type: 'PerformanceFailed',
    data: {
      caseId: CASE_ID,
      defaultingPartyIds: [PARTY_B],
      description: '逾期未疏通',
      routesTold: ['litigation'],
      ...stamp(at),
    },
    legalBasis: LB.performanceDispute,
  }),
  jcFiled: (at: string = T.filed): MediationEvent => ({
    type: 'JudicialConfirmationFiled',
    data: {
      caseId: CASE_ID,
      courtId: 'court-basic-1',
      filedAt: at,
      applicantPartyIds: [PARTY_A, PARTY_B],
      windowDueAt: JC_WINDOW.dueAt,
      ...stamp(at),
    },
    legalBasis: LB.judicialConfirmation,
  }),
  jcDecided: (confirmed: boolean, at: string = T.decided): MediationEvent => ({
    type: 'JudicialConfirmationDecided',
    data: { caseId: CASE_ID, confirmed, decidedAt: at, rulingRef: 'ruling-1', ...stamp(at) },
    legalBasis: LB.judicialConfirmationDecision,
  }),
  archived: (closedAs: Extract<MediationEvent, { type: 'CaseArchived' }>['data']['closedAs']): MediationEvent => ({
    type: 'CaseArchived',
    data: { caseId: CASE_ID, closedAs, dossierItems: [], ...stamp(T.archived) },
    legalBasis: LB.records,
  }),
};

/** Event histories that bring a case into each status (used by the wrong-state table and the specs). */
export const history = {
  registered: (): MediationEvent[] => [ev.registered()],
  consentPending: (): MediationEvent[] => [...history.registered(), ev.consentRequested()],
  declined: (): MediationEvent[] => [...history.consentPending(), ev.consentRefused(PARTY_B, T.consentA), ev.declinedByParty(PARTY_B, T.consentA)],
  accepted: (): MediationEvent[] => [
    ...history.consentPending(),
    ev.consentGiven(PARTY_A, T.consentA),
    ev.consentGiven(PARTY_B, T.accepted),
    ev.accepted(),
    ev.rightsNotified(),
    ev.dossierItem('identity_proof', 'doc-id', T.rights),
  ],
  mediatorAssigned: (): MediationEvent[] => [...history.accepted(), ev.mediatorAssigned()],
  mediating: (): MediationEvent[] => [...history.mediatorAssigned(), ev.session()],
  agreementReached: (): MediationEvent[] => [...history.mediating(), ev.agreementReached()],
  agreementEffective: (): MediationEvent[] => [...history.agreementReached(), ev.agreementSigned()],
  terminated: (): MediationEvent[] => [...history.mediating(), ev.terminated()],
  performing: (): MediationEvent[] => [...history.agreementEffective(), ev.performance(false, '2025-03-24T10:00:00+08:00')],
  performed: (): MediationEvent[] => [...history.performing(), ev.performance(true)],
  performanceFailed: (): MediationEvent[] => [...history.performing(), ev.performanceFailed()],
  jcFiled: (): MediationEvent[] => [...history.agreementEffective(), ev.jcFiled()],
  confirmed: (): MediationEvent[] => [...history.jcFiled(), ev.jcDecided(true)],
  notConfirmed: (): MediationEvent[] => [...history.jcFiled(), ev.jcDecided(false)],
  archived: (): MediationEvent[] => [...history.performed(), ev.archived('performed')],
};

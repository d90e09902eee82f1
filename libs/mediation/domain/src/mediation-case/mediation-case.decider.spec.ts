import { CN_NATIONAL_CALENDAR, fold } from '@fengqiao/kernel';
import { deciderSpec } from '../testing/decider-spec';
import {
  CASE_ID,
  cmd,
  COMMITTEE,
  ev,
  history,
  JC_WINDOW,
  MEDIATION_DEADLINE,
  MEDIATOR_1,
  MEDIATOR_2,
  meta,
  PARTY_A,
  PARTY_B,
  stamp,
  T,
} from '../testing/mediation-case.fixtures';
import {
  AddDossierItem,
  ArchiveCase,
  AssignMediator,
  DeclineMediation,
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
  ReportPerformanceFailure,
  ReportRisk,
  RequestConsent,
  ResumeMediation,
  SignAgreement,
  TerminateMediation,
  TransferCase,
} from './mediation-case.commands';
import { createMediationDecider, mediationDecider, toMediationStreamId } from './mediation-case.decider';
import { MediationEvent } from './mediation-case.events';
import { defaultMediationRules, MEDIATION_LEGAL_BASIS as LB } from './mediation-case.rules';
import { MediationStatus } from './mediation-case.state';

const decider = createMediationDecider({ rules: defaultMediationRules, calendar: CN_NATIONAL_CALENDAR });
const spec = deciderSpec(decider);
const NOW = '2025-03-12T09:00:00+08:00';

const register = (data: Partial<RegisterDispute['data']> = {}, now: string = T.registered) =>
  cmd<RegisterDispute>(
    'RegisterDispute',
    {
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
      ...data,
    },
    meta(now),
  );

const session = (data: Partial<RecordSession['data']> = {}, now: string = T.sessionRecorded) =>
  cmd<RecordSession>(
    'RecordSession',
    {
      sessionId: 'session-1',
      heldAt: T.sessionHeld,
      mediatorIds: [MEDIATOR_1],
      attendingPartyIds: [PARTY_A, PARTY_B],
      summary: '双方陈述，调解员释法',
      recordRef: 'doc-record-1',
      ...data,
    },
    meta(now),
  );

describe('MediationCase decider — transitions', () => {
  it('mediationDecider is the default rules on the national calendar', () => {
    deciderSpec(mediationDecider)
      .given([...history.consentPending(), ev.consentGiven(PARTY_A, T.consentA)])
      .when(cmd<RecordConsent>('RecordConsent', { partyId: PARTY_B, consented: true }, meta(T.accepted)))
      .then([ev.consentGiven(PARTY_B, T.accepted), ev.accepted()]);
  });

  it('names the stream mediation-<id>', () => {
    expect(toMediationStreamId('abc')).toBe('mediation-abc');
    expect(() => toMediationStreamId(' ')).toThrow('案件编号不能为空');
  });

  describe('RegisterDispute', () => {
    it('registers a dispute on application, filing the registration in the dossier', () => {
      const { state } = spec.given([]).when(register()).then([ev.registered()]);
      expect(state).toMatchObject({
        status: 'registered',
        caseId: CASE_ID,
        registeredAt: T.registered,
        dossier: [{ item: 'application_or_registration', documentRef: 'doc-registration', addedAt: T.registered }],
      });
    });

    it('records a court referral with 人民调解法§18', () => {
      const source = { kind: 'entrusted' as const, entrustedBy: 'court' as const, entrustingUnitId: 'court-basic-1' };
      spec
        .given([])
        .when(register({ source, registrationDocumentRef: undefined }))
        .then([
          {
            type: 'DisputeRegistered',
            data: {
              caseId: CASE_ID,
              committeeId: COMMITTEE,
              committeeLevel: 'village',
              source,
              parties: [
                { partyId: PARTY_A, role: 'applicant' },
                { partyId: PARTY_B, role: 'respondent' },
              ],
              summary: '相邻关系纠纷：排水沟堵塞',
              ...stamp(T.registered),
            },
            legalBasis: '人民调解法§18',
          },
        ]);
    });

    it('links a dispute referred from a grid case, with no statutory basis claimed', () => {
      const source = { kind: 'referred_from_grid_case' as const, gridCaseId: 'grid-case-9' };
      const { events, state } = spec
        .given([])
        .when(register({ source }))
        .then([ev.registered({ source })]);
      expect(events[0].legalBasis).toBeUndefined();
      expect(state).toMatchObject({ source });
    });

    it('takes up a dispute on the committee’s own initiative (no applicant needed)', () => {
      const source = { kind: 'own_initiative' as const };
      const parties = [
        { partyId: PARTY_A, role: 'respondent' as const },
        { partyId: PARTY_B, role: 'respondent' as const },
      ];
      spec
        .given([])
        .when(register({ source, parties }))
        .then([ev.registered({ source, parties })]);
    });
  });

  it('RequestConsent asks every party and waits for their answers', () => {
    const { state } = spec
      .given(history.registered())
      .when(cmd<RequestConsent>('RequestConsent', {}, meta(T.consentRequested)))
      .then([ev.consentRequested()]);
    expect(state.status).toBe('consent_pending');
  });

  describe('RecordConsent', () => {
    it('records one party’s consent and keeps waiting for the others', () => {
      const { state } = spec
        .given(history.consentPending())
        .when(cmd<RecordConsent>('RecordConsent', { partyId: PARTY_A, consented: true }, meta(T.consentA)))
        .then([ev.consentGiven(PARTY_A, T.consentA)]);
      expect(state).toMatchObject({ status: 'consent_pending', consents: [{ partyId: PARTY_A, consented: true }] });
    });

    it('accepts the case when the last party consents and starts the one-month clock', () => {
      const { state } = spec
        .given([...history.consentPending(), ev.consentGiven(PARTY_A, T.consentA)])
        .when(cmd<RecordConsent>('RecordConsent', { partyId: PARTY_B, consented: true }, meta(T.accepted)))
        .then([ev.consentGiven(PARTY_B, T.accepted), ev.accepted()]);
      expect(state).toMatchObject({
        status: 'accepted',
        acceptedAt: T.accepted,
        mediationDeadline: { deadline: MEDIATION_DEADLINE, warned: false, breached: false },
      });
    });

    it('a party’s refusal is an outcome, not an error: the case is declined (人民调解法§17)', () => {
      const { state } = spec
        .given([...history.consentPending(), ev.consentGiven(PARTY_A, T.consentA)])
        .when(cmd<RecordConsent>('RecordConsent', { partyId: PARTY_B, consented: false, statementRef: 'doc-refusal' }, meta(T.accepted)))
        .then([
          {
            type: 'ConsentRefused',
            data: { caseId: CASE_ID, partyId: PARTY_B, statementRef: 'doc-refusal', ...stamp(T.accepted) },
            legalBasis: '人民调解法§17',
          },
          ev.declinedByParty(PARTY_B, T.accepted),
        ]);
      expect(state).toMatchObject({ status: 'declined', declined: { grounds: 'party_refused', at: T.accepted } });
    });
  });

  it('DeclineMediation declines a dispute outside people’s mediation, with the reason', () => {
    const { state } = spec
      .given(history.consentPending())
      .when(cmd<DeclineMediation>('DeclineMediation', { grounds: 'outside_scope' }, meta(T.consentA, { reason: '已进入诉讼程序' })))
      .then([
        {
          type: 'MediationDeclined',
          data: { caseId: CASE_ID, grounds: 'outside_scope', ...stamp(T.consentA, { reason: '已进入诉讼程序' }) },
          legalBasis: '人民调解法§2',
        },
      ]);
    expect(state.status).toBe('declined');
  });

  it('NotifyRights records the notice and files it in the dossier', () => {
    const given = [...history.consentPending(), ev.consentGiven(PARTY_A, T.consentA), ev.consentGiven(PARTY_B, T.accepted), ev.accepted()];
    const { state } = spec
      .given(given)
      .when(cmd<NotifyRights>('NotifyRights', { partyIds: [PARTY_A, PARTY_B], documentRef: 'doc-rights' }, meta(T.rights)))
      .then([ev.rightsNotified()]);
    expect(state).toMatchObject({ status: 'accepted', rightsNotifiedPartyIds: [PARTY_A, PARTY_B] });
    expect(state.status !== 'none' && state.dossier.map((d) => d.item)).toEqual(['application_or_registration', 'rights_notice']);
  });

  it('AddDossierItem files a document without changing the status', () => {
    const { state } = spec
      .given(history.mediating())
      .when(cmd<AddDossierItem>('AddDossierItem', { item: 'evidence', documentRef: 'doc-photo' }, meta(NOW)))
      .then([ev.dossierItem('evidence', 'doc-photo', NOW)]);
    expect(state.status).toBe('mediating');
    expect(state.status !== 'none' && state.dossier.at(-1)).toEqual({
      item: 'evidence',
      documentRef: 'doc-photo',
      addedAt: NOW,
    });
  });

  describe('AssignMediator', () => {
    it('assigns a designated mediator (人民调解法§19)', () => {
      const { state } = spec
        .given(history.accepted())
        .when(cmd<AssignMediator>('AssignMediator', { mediatorIds: [MEDIATOR_1], method: 'designated' }, meta(T.assigned)))
        .then([ev.mediatorAssigned()]);
      expect(state).toMatchObject({ status: 'mediator_assigned', mediatorIds: [MEDIATOR_1] });
    });

    it('adds a mediator chosen by the parties while mediating, status unchanged', () => {
      const { state } = spec
        .given(history.mediating())
        .when(cmd<AssignMediator>('AssignMediator', { mediatorIds: [MEDIATOR_2], method: 'chosen_by_parties' }, meta(NOW)))
        .then([
          {
            type: 'MediatorAssigned',
            data: { caseId: CASE_ID, mediatorIds: [MEDIATOR_2], method: 'chosen_by_parties', ...stamp(NOW) },
            legalBasis: '人民调解法§19',
          },
        ]);
      expect(state).toMatchObject({ status: 'mediating', mediatorIds: [MEDIATOR_1, MEDIATOR_2] });
    });
  });

  describe('RecuseMediator', () => {
    it('the last mediator’s recusal sends the case back to needing a mediator', () => {
      const { state } = spec
        .given(history.mediating())
        .when(cmd<RecuseMediator>('RecuseMediator', { mediatorId: MEDIATOR_1, grounds: 'party_request', requestedByPartyId: PARTY_B }, meta(NOW)))
        .then([
          {
            type: 'MediatorRecused',
            data: {
              caseId: CASE_ID,
              mediatorId: MEDIATOR_1,
              grounds: 'party_request',
              requestedByPartyId: PARTY_B,
              remainingMediatorIds: [],
              ...stamp(NOW),
            },
            legalBasis: '人民调解法§23',
          },
        ]);
      expect(state).toMatchObject({ status: 'accepted', mediatorIds: [] });
    });

    it('a mediator’s own conflict-of-interest recusal with another mediator left keeps the status', () => {
      const { events, state } = spec
        .given([...history.mediatorAssigned(), ev.mediatorAssigned([MEDIATOR_2], T.assigned)])
        .when(cmd<RecuseMediator>('RecuseMediator', { mediatorId: MEDIATOR_1, grounds: 'conflict_of_interest' }, meta(NOW)))
        .then([
          {
            type: 'MediatorRecused',
            data: {
              caseId: CASE_ID,
              mediatorId: MEDIATOR_1,
              grounds: 'conflict_of_interest',
              remainingMediatorIds: [MEDIATOR_2],
              ...stamp(NOW),
            },
          },
        ]);
      expect(events[0].legalBasis).toBeUndefined();
      expect(state).toMatchObject({ status: 'mediator_assigned', mediatorIds: [MEDIATOR_2] });
    });
  });

  describe('RecordSession', () => {
    it('the first session starts mediation and files the record (人民调解法§27)', () => {
      const { state } = spec.given(history.mediatorAssigned()).when(session()).then([ev.session()]);
      expect(state).toMatchObject({ status: 'mediating', sessionIds: ['session-1'] });
      expect(state.status !== 'none' && state.dossier.map((d) => d.item)).toContain('mediation_record');
    });

    it('a session with invited neighbours cites §20 as well', () => {
      const invitedParticipants = [{ participantId: 'neighbour-1', relation: 'neighbour' as const, partiesConsented: true }];
      const { state } = spec
        .given(history.mediating())
        .when(session({ sessionId: 'session-2', invitedParticipants, recordRef: undefined }))
        .then([
          {
            type: 'SessionRecorded',
            data: {
              caseId: CASE_ID,
              sessionId: 'session-2',
              heldAt: T.sessionHeld,
              mediatorIds: [MEDIATOR_1],
              attendingPartyIds: [PARTY_A, PARTY_B],
              invitedParticipants,
              summary: '双方陈述，调解员释法',
              ...stamp(T.sessionRecorded),
            },
            legalBasis: '人民调解法§20;人民调解法§27',
          },
        ]);
      expect(state).toMatchObject({ status: 'mediating', sessionIds: ['session-1', 'session-2'] });
    });

    it("records where the session was held and whether it was public, at the parties' wish (人民调解法§23)", () => {
      spec
        .given(history.mediating())
        .when(session({ sessionId: 'session-2', place: '村委会调解室', openToPublic: false }))
        .then([{ ...ev.session(), data: { ...ev.session().data, sessionId: 'session-2', place: '村委会调解室', openToPublic: false } } as MediationEvent]);
    });
  });

  it('ReportRisk records a police report as an event; the status does not change (人民调解法§25)', () => {
    const { state } = spec
      .given(history.mediating())
      .when(cmd<ReportRisk>('ReportRisk', { riskKind: 'public_order', measures: '分开双方，安排次日再调', policeUnitId: 'police-station-1' }, meta(NOW)))
      .then([
        {
          type: 'RiskReportedToPolice',
          data: {
            caseId: CASE_ID,
            riskKind: 'public_order',
            measures: '分开双方，安排次日再调',
            policeUnitId: 'police-station-1',
            ...stamp(NOW),
          },
          legalBasis: '人民调解法§25',
        },
      ]);
    expect(state).toMatchObject({ status: 'mediating', riskReports: 1 });
  });

  it('ExtendMediation with both parties’ consent moves the due date (ministry rule, labelled)', () => {
    const { state } = spec
      .given(history.mediating())
      .when(cmd<ExtendMediation>('ExtendMediation', { extendBy: 10, consentingPartyIds: [PARTY_B, PARTY_A] }, meta(NOW)))
      .then([
        {
          type: 'MediationExtended',
          data: {
            caseId: CASE_ID,
            extendBy: 10,
            consentingPartyIds: [PARTY_B, PARTY_A],
            previousDueAt: MEDIATION_DEADLINE.dueAt,
            // 40 days from Tue 03-04 is Sun 04-13 → Mon 04-14 (民法典 §203)
            mediationDeadline: {
              ...MEDIATION_DEADLINE,
              duration: 40,
              dueAt: '2025-04-14T16:00:00.000Z',
              warnAt: '2025-04-09T16:00:00.000Z',
              lastDay: '2025-04-14',
              shiftedFrom: '2025-04-13',
            },
            ...stamp(NOW),
          },
          legalBasis: LB.mediationDuration,
        },
      ]);
    expect(LB.mediationDuration).toContain('非法律');
    expect(state).toMatchObject({ status: 'mediating', extendedBy: 10 });
  });

  describe('ReachAgreement', () => {
    it('a written agreement is reached but not yet effective', () => {
      const { state } = spec
        .given(history.mediating())
        .when(
          cmd<ReachAgreement>(
            'ReachAgreement',
            { agreementId: 'agreement-1', form: 'written', terms: '乙方于三月底前疏通排水沟', documentRef: 'doc-agreement' },
            meta(T.agreement),
          ),
        )
        .then([ev.agreementReached()]);
      expect(state).toMatchObject({ status: 'agreement_reached', agreement: { agreementId: 'agreement-1' } });
      expect(state.status === 'agreement_reached' && state.agreement.effectiveAt).toBeUndefined();
    });

    it('an oral agreement takes effect when reached (人民调解法§30) and opens the 30-day window', () => {
      const { state } = spec
        .given(history.mediating())
        .when(
          cmd<ReachAgreement>(
            'ReachAgreement',
            { agreementId: 'agreement-1', form: 'oral', terms: '乙方于三月底前疏通排水沟', documentRef: 'doc-agreement' },
            meta(T.signed),
          ),
        )
        .then([
          ev.agreementReached('oral', T.signed),
          {
            type: 'AgreementTookEffect',
            data: {
              caseId: CASE_ID,
              agreementId: 'agreement-1',
              effectiveAt: T.signed,
              judicialConfirmationWindow: JC_WINDOW,
              ...stamp(T.signed),
            },
            legalBasis: '人民调解法§30',
          },
        ]);
      expect(state).toMatchObject({ status: 'agreement_reached', agreement: { effectiveAt: T.signed } });
    });
  });

  it('SignAgreement makes a written agreement effective when all have signed and the committee sealed (§29)', () => {
    const { state } = spec
      .given(history.agreementReached())
      .when(cmd<SignAgreement>('SignAgreement', { signedByPartyIds: [PARTY_A, PARTY_B], mediatorSigned: true, committeeSealed: true }, meta(T.signed)))
      .then([ev.agreementSigned()]);
    expect(state).toMatchObject({
      status: 'agreement_reached',
      agreement: { effectiveAt: T.signed, judicialConfirmationWindow: JC_WINDOW },
    });
  });

  describe('TerminateMediation', () => {
    const terminate = (now = '2025-03-25T10:00:00+08:00') =>
      cmd<TerminateMediation>('TerminateMediation', { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'] }, meta(now));

    it('ends mediation and lists the routes the parties were told of (人民调解法§26)', () => {
      const { state } = spec.given(history.mediating()).when(terminate()).then([ev.terminated()]);
      expect(state).toMatchObject({
        status: 'terminated',
        termination: { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'] },
      });
    });

    it('ends mediation when a party will not sign the written agreement', () => {
      const { state } = spec.given(history.agreementReached()).when(terminate()).then([ev.terminated()]);
      expect(state.status).toBe('terminated');
    });
  });

  describe('RecordPerformance', () => {
    const perform = (complete: boolean, now: string = T.performed) =>
      cmd<RecordPerformance>('RecordPerformance', { complete, description: complete ? '已疏通' : '已部分疏通' }, meta(now));

    it('a partial performance puts the agreement into performance (人民调解法§31)', () => {
      const { state } = spec
        .given(history.agreementEffective())
        .when(perform(false))
        .then([ev.performance(false)]);
      expect(state).toMatchObject({ status: 'performing', performance: { records: 1, complete: false } });
    });

    it('a complete performance ends it, filing the evidence', () => {
      const { state } = spec
        .given(history.performing())
        .when(cmd<RecordPerformance>('RecordPerformance', { complete: true, description: '已疏通', evidenceRef: 'doc-receipt' }, meta(T.performed)))
        .then([
          {
            type: 'PerformanceRecorded',
            data: { caseId: CASE_ID, complete: true, description: '已疏通', evidenceRef: 'doc-receipt', ...stamp(T.performed) },
            legalBasis: '人民调解法§31',
          },
        ]);
      expect(state).toMatchObject({ status: 'performed', performance: { records: 2, complete: true } });
      expect(state.status !== 'none' && state.dossier.map((d) => d.item)).toContain('performance_evidence');
    });

    it('performance while the court is deciding is recorded without leaving judicial_confirmation_filed', () => {
      const { state } = spec
        .given(history.jcFiled())
        .when(perform(true))
        .then([ev.performance(true)]);
      expect(state).toMatchObject({ status: 'judicial_confirmation_filed', performance: { complete: true } });
    });

    it('performance after confirmation moves on to performed', () => {
      const { state } = spec
        .given(history.confirmed())
        .when(perform(true))
        .then([ev.performance(true)]);
      expect(state.status).toBe('performed');
    });
  });

  describe('ReportPerformanceFailure', () => {
    const fail = (now = '2025-04-02T10:00:00+08:00') =>
      cmd<ReportPerformanceFailure>('ReportPerformanceFailure', { defaultingPartyIds: [PARTY_B], description: '逾期未疏通' }, meta(now));

    it('records the failure and that the parties were told they may sue (人民调解法§32)', () => {
      const { state } = spec.given(history.performing()).when(fail()).then([ev.performanceFailed()]);
      expect(state.status).toBe('performance_failed');
    });

    it('after a court confirmation the other party is told to apply for enforcement (民事诉讼法§206)', () => {
      const now = '2025-04-15T10:00:00+08:00';
      spec
        .given(history.confirmed())
        .when(fail(now))
        .then([
          {
            type: 'PerformanceFailed',
            data: {
              caseId: CASE_ID,
              defaultingPartyIds: [PARTY_B],
              description: '逾期未疏通',
              routesTold: ['enforcement'],
              ...stamp(now),
            },
            legalBasis: '民事诉讼法(2023)§206',
          },
        ]);
    });
  });

  it('FileJudicialConfirmation records the joint application inside the window (§33; 民事诉讼法§205)', () => {
    const { state } = spec
      .given(history.agreementEffective())
      .when(
        cmd<FileJudicialConfirmation>(
          'FileJudicialConfirmation',
          { courtId: 'court-basic-1', filedAt: T.filed, applicantPartyIds: [PARTY_A, PARTY_B] },
          meta(T.filed),
        ),
      )
      .then([ev.jcFiled()]);
    expect(state).toMatchObject({
      status: 'judicial_confirmation_filed',
      judicialConfirmation: { courtId: 'court-basic-1', filedAt: T.filed },
    });
  });

  describe('RecordJudicialConfirmationDecision', () => {
    const decide = (confirmed: boolean) =>
      cmd<RecordJudicialConfirmationDecision>(
        'RecordJudicialConfirmationDecision',
        { confirmed, decidedAt: T.decided, rulingRef: 'ruling-1' },
        meta(T.decided),
      );

    it('a confirmation makes the case confirmed and files the ruling', () => {
      const { state } = spec
        .given(history.jcFiled())
        .when(decide(true))
        .then([ev.jcDecided(true)]);
      expect(state).toMatchObject({
        status: 'confirmed',
        judicialConfirmation: { decision: { confirmed: true, rulingRef: 'ruling-1' } },
      });
      expect(state.status !== 'none' && state.dossier.map((d) => d.item)).toContain('judicial_confirmation_papers');
    });

    it('a refusal makes the case not_confirmed', () => {
      const { state } = spec
        .given(history.jcFiled())
        .when(decide(false))
        .then([ev.jcDecided(false)]);
      expect(state.status).toBe('not_confirmed');
    });
  });

  it('ResumeMediation after a refused confirmation goes back to mediating (民事诉讼法§206)', () => {
    const now = '2025-04-09T09:00:00+08:00';
    const { state } = spec
      .given(history.notConfirmed())
      .when(cmd<ResumeMediation>('ResumeMediation', {}, meta(now)))
      .then([{ type: 'MediationResumed', data: { caseId: CASE_ID, ...stamp(now) }, legalBasis: '民事诉讼法(2023)§206' }]);
    expect(state).toMatchObject({ status: 'mediating', mediatorIds: [MEDIATOR_1] });
  });

  it('RecordFollowUpVisit records a 回访 and files the record; the status does not change', () => {
    const now = '2025-04-20T10:00:00+08:00';
    const { state } = spec
      .given(history.performed())
      .when(
        cmd<RecordFollowUpVisit>(
          'RecordFollowUpVisit',
          { visitedPartyIds: [PARTY_A], performanceSatisfactory: true, reescalationRisk: false, recordRef: 'doc-visit' },
          meta(now),
        ),
      )
      .then([
        {
          type: 'FollowUpVisited',
          data: {
            caseId: CASE_ID,
            visitedPartyIds: [PARTY_A],
            performanceSatisfactory: true,
            reescalationRisk: false,
            recordRef: 'doc-visit',
            ...stamp(now),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'performed', followUpVisits: 1 });
  });

  it('TransferCase escalates to the town committee, releasing the mediators', () => {
    const reason = '案情复杂，涉及多户';
    const { state } = spec
      .given(history.mediating())
      .when(cmd<TransferCase>('TransferCase', { toCommitteeId: 'committee-town-1', toLevel: 'town' }, meta(NOW, { reason })))
      .then([
        {
          type: 'CaseTransferred',
          data: {
            caseId: CASE_ID,
            fromCommitteeId: COMMITTEE,
            fromLevel: 'village',
            toCommitteeId: 'committee-town-1',
            toLevel: 'town',
            releasedMediatorIds: [MEDIATOR_1],
            ...stamp(NOW, { reason }),
          },
        },
      ]);
    expect(state).toMatchObject({
      status: 'accepted',
      committeeId: 'committee-town-1',
      committeeLevel: 'town',
      mediatorIds: [],
      transfers: 1,
    });
  });

  it('TransferCase before acceptance keeps the status (to an industry committee)', () => {
    const { state } = spec
      .given(history.consentPending())
      .when(cmd<TransferCase>('TransferCase', { toCommitteeId: 'committee-industry-labour', toLevel: 'industry' }, meta(NOW, { reason: '劳动争议' })))
      .then([
        {
          type: 'CaseTransferred',
          data: {
            caseId: CASE_ID,
            fromCommitteeId: COMMITTEE,
            fromLevel: 'village',
            toCommitteeId: 'committee-industry-labour',
            toLevel: 'industry',
            releasedMediatorIds: [],
            ...stamp(NOW, { reason: '劳动争议' }),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'consent_pending', committeeId: 'committee-industry-labour' });
  });

  describe('ArchiveCase', () => {
    it('archives a performed case whose dossier is complete (人民调解法§27)', () => {
      const { state } = spec
        .given(history.performed())
        .when(cmd<ArchiveCase>('ArchiveCase', {}, meta(T.archived)))
        .then([
          {
            type: 'CaseArchived',
            data: {
              caseId: CASE_ID,
              closedAs: 'performed',
              dossierItems: ['application_or_registration', 'rights_notice', 'identity_proof', 'mediation_record', 'agreement'],
              ...stamp(T.archived),
            },
            legalBasis: '人民调解法§27',
          },
        ]);
      expect(state).toMatchObject({ status: 'archived', closedAs: 'performed', archivedAt: T.archived });
    });

    it('a case declined before mediation needs only the registration and identity proof', () => {
      const given = [...history.declined(), ev.dossierItem('identity_proof', 'doc-id', T.consentA)];
      const { state } = spec
        .given(given)
        .when(cmd<ArchiveCase>('ArchiveCase', {}, meta(T.archived)))
        .then([
          {
            type: 'CaseArchived',
            data: {
              caseId: CASE_ID,
              closedAs: 'declined',
              dossierItems: ['application_or_registration', 'identity_proof'],
              ...stamp(T.archived),
            },
            legalBasis: '人民调解法§27',
          },
        ]);
      expect(state.status).toBe('archived');
    });

    it('archives a terminated case (no agreement needed) and other closed statuses', () => {
      for (const [given, closedAs] of [
        [history.terminated(), 'terminated'],
        [history.performanceFailed(), 'performance_failed'],
        [history.confirmed(), 'confirmed'],
        [history.notConfirmed(), 'not_confirmed'],
      ] as const) {
        const events = decider.decide(cmd<ArchiveCase>('ArchiveCase', {}, meta(T.archived)), fold(decider, given));
        expect(events).toEqual([expect.objectContaining({ type: 'CaseArchived', data: expect.objectContaining({ closedAs }) })]);
        expect(fold(decider, [...given, ...events]).status).toBe('archived');
      }
    });
  });

  it('evolve ignores an event that does not fit the state instead of throwing', () => {
    const registered = fold(decider, history.registered());
    expect(decider.evolve(registered, ev.agreementSigned())).toBe(registered);
    expect(decider.evolve(decider.initialState(), ev.session())).toEqual({ status: 'none' });
    const unknown = { type: 'SomethingNew', data: {} } as unknown as MediationEvent;
    expect(decider.evolve(registered, unknown)).toBe(registered);
  });
});

describe('MediationCase decider — refusals', () => {
  describe('commands in the wrong state', () => {
    const statusHistories: Record<Exclude<MediationStatus, 'none'>, MediationEvent[]> = {
      registered: history.registered(),
      consent_pending: history.consentPending(),
      declined: history.declined(),
      accepted: history.accepted(),
      mediator_assigned: history.mediatorAssigned(),
      mediating: history.mediating(),
      agreement_reached: history.agreementEffective(),
      terminated: history.terminated(),
      performing: history.performing(),
      performed: history.performed(),
      performance_failed: history.performanceFailed(),
      judicial_confirmation_filed: history.jcFiled(),
      confirmed: history.confirmed(),
      not_confirmed: history.notConfirmed(),
      archived: history.archived(),
    };
    const LATE = '2025-04-10T09:00:00+08:00';
    const m = meta(LATE, { reason: '理由' });
    const samples: Record<Exclude<MediationCommandType, 'RegisterDispute' | 'WarnDeadline' | 'BreachDeadline' | 'ReviseDeadline'>, MediationCommand> = {
      RequestConsent: cmd('RequestConsent', {}, m),
      RecordConsent: cmd('RecordConsent', { partyId: PARTY_A, consented: true }, m),
      DeclineMediation: cmd('DeclineMediation', { grounds: 'outside_scope' }, m),
      NotifyRights: cmd('NotifyRights', { partyIds: [PARTY_A], documentRef: 'doc' }, m),
      AddDossierItem: cmd('AddDossierItem', { item: 'evidence', documentRef: 'doc' }, m),
      AssignMediator: cmd('AssignMediator', { mediatorIds: [MEDIATOR_2], method: 'designated' }, m),
      RecuseMediator: cmd('RecuseMediator', { mediatorId: MEDIATOR_1, grounds: 'other' }, m),
      RecordSession: cmd('RecordSession', { sessionId: 's-x', heldAt: LATE, mediatorIds: [MEDIATOR_1], attendingPartyIds: [PARTY_A], summary: 'x' }, m),
      ReportRisk: cmd('ReportRisk', { riskKind: 'criminal', measures: 'x', policeUnitId: 'p' }, m),
      ExtendMediation: cmd('ExtendMediation', { extendBy: 5, consentingPartyIds: [PARTY_A, PARTY_B] }, m),
      ReachAgreement: cmd('ReachAgreement', { agreementId: 'a', form: 'written', terms: 'x' }, m),
      SignAgreement: cmd('SignAgreement', { signedByPartyIds: [PARTY_A, PARTY_B], mediatorSigned: true, committeeSealed: true }, m),
      TerminateMediation: cmd('TerminateMediation', { grounds: 'other', routesTold: ['arbitration', 'administrative', 'judicial'] }, m),
      RecordPerformance: cmd('RecordPerformance', { complete: false, description: 'x' }, m),
      ReportPerformanceFailure: cmd('ReportPerformanceFailure', { defaultingPartyIds: [PARTY_B], description: 'x' }, m),
      FileJudicialConfirmation: cmd(
        'FileJudicialConfirmation',
        { courtId: 'c', filedAt: '2025-04-01T09:00:00+08:00', applicantPartyIds: [PARTY_A, PARTY_B] },
        m,
      ),
      RecordJudicialConfirmationDecision: cmd('RecordJudicialConfirmationDecision', { confirmed: true, decidedAt: LATE, rulingRef: 'r' }, m),
      ResumeMediation: cmd('ResumeMediation', {}, m),
      RecordFollowUpVisit: cmd('RecordFollowUpVisit', { visitedPartyIds: [PARTY_A], performanceSatisfactory: true, reescalationRisk: false }, m),
      TransferCase: cmd('TransferCase', { toCommitteeId: 'committee-town-1', toLevel: 'town' }, m),
      ArchiveCase: cmd('ArchiveCase', {}, m),
    };
    const OPEN: MediationStatus[] = Object.keys(statusHistories).filter((s) => s !== 'archived') as MediationStatus[];
    // Written from the design (DESIGN §5.2 and the brief), not read from the decider.
    const allowed: Record<keyof typeof samples, MediationStatus[]> = {
      RequestConsent: ['registered'],
      RecordConsent: ['consent_pending'],
      DeclineMediation: ['registered', 'consent_pending'],
      NotifyRights: ['registered', 'consent_pending', 'accepted', 'mediator_assigned', 'mediating'],
      AddDossierItem: OPEN,
      AssignMediator: ['accepted', 'mediator_assigned', 'mediating'],
      RecuseMediator: ['mediator_assigned', 'mediating'],
      RecordSession: ['mediator_assigned', 'mediating'],
      ReportRisk: OPEN,
      ExtendMediation: ['accepted', 'mediator_assigned', 'mediating'],
      ReachAgreement: ['mediating'],
      SignAgreement: ['agreement_reached'],
      TerminateMediation: ['accepted', 'mediator_assigned', 'mediating', 'agreement_reached'],
      RecordPerformance: ['agreement_reached', 'performing', 'judicial_confirmation_filed', 'confirmed', 'not_confirmed'],
      ReportPerformanceFailure: ['agreement_reached', 'performing', 'confirmed', 'not_confirmed'],
      FileJudicialConfirmation: ['agreement_reached', 'performing'],
      RecordJudicialConfirmationDecision: ['judicial_confirmation_filed'],
      ResumeMediation: ['not_confirmed'],
      RecordFollowUpVisit: [
        'agreement_reached',
        'performing',
        'performed',
        'performance_failed',
        'judicial_confirmation_filed',
        'confirmed',
        'not_confirmed',
        'terminated',
      ],
      TransferCase: ['registered', 'consent_pending', 'accepted', 'mediator_assigned', 'mediating'],
      ArchiveCase: ['declined', 'terminated', 'performed', 'performance_failed', 'confirmed', 'not_confirmed'],
    };

    const rows = (Object.keys(samples) as (keyof typeof samples)[]).flatMap((type) =>
      (Object.keys(statusHistories) as Exclude<MediationStatus, 'none'>[]).map((status) => ({
        type,
        status,
        ok: allowed[type].includes(status),
      })),
    );

    it.each(rows.filter((r) => !r.ok))('$type is refused in $status with MEDIATION.INVALID_STATE', ({ type, status }) => {
      spec.given(statusHistories[status]).when(samples[type]).thenThrows('MEDIATION.INVALID_STATE', 'illegal_state');
    });

    it.each(rows.filter((r) => r.ok))('$type is not refused for its state in $status', ({ type, status }) => {
      let code: string | undefined;
      try {
        decider.decide(samples[type], fold(decider, statusHistories[status]));
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(code).not.toBe('MEDIATION.INVALID_STATE');
    });

    it.each(Object.keys(samples) as (keyof typeof samples)[])('%s on an unregistered case is MEDIATION.CASE_NOT_FOUND', (type) => {
      spec.given([]).when(samples[type]).thenThrows('MEDIATION.CASE_NOT_FOUND', 'not_found');
    });
  });

  describe('RegisterDispute', () => {
    it('refuses a second registration (conflict)', () => {
      spec.given(history.registered()).when(register()).thenThrows('MEDIATION.ALREADY_REGISTERED', 'conflict');
    });
    it('refuses a dispute with one party', () => {
      spec
        .given([])
        .when(register({ parties: [{ partyId: PARTY_A, role: 'applicant' }] }))
        .thenThrows('MEDIATION.PARTIES_REQUIRED', 'validation');
    });
    it('refuses the same party twice', () => {
      spec
        .given([])
        .when(
          register({
            parties: [
              { partyId: PARTY_A, role: 'applicant' },
              { partyId: PARTY_A, role: 'respondent' },
            ],
          }),
        )
        .thenThrows('MEDIATION.DUPLICATE_ENTRY', 'validation');
    });
    it('refuses an application without an applicant', () => {
      spec
        .given([])
        .when(
          register({
            parties: [
              { partyId: PARTY_A, role: 'respondent' },
              { partyId: PARTY_B, role: 'respondent' },
            ],
          }),
        )
        .thenThrows('MEDIATION.APPLICANT_REQUIRED', 'validation');
    });
    it('refuses a blank summary, committee or entrusting unit', () => {
      spec
        .given([])
        .when(register({ summary: ' ' }))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
      spec
        .given([])
        .when(register({ committeeId: '' }))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
      spec
        .given([])
        .when(register({ source: { kind: 'entrusted', entrustedBy: 'government', entrustingUnitId: '' } }))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
      spec
        .given([])
        .when(register({ source: { kind: 'referred_from_grid_case', gridCaseId: '' } }))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    });
    it('refuses a command whose time is not an ISO instant with a zone', () => {
      spec.given([]).when(register({}, '2025-03-03 09:00')).thenThrows('CALENDAR.INVALID_INSTANT', 'validation');
    });
  });

  describe('RecordConsent', () => {
    it('refuses a consent from someone who is not a party', () => {
      spec
        .given(history.consentPending())
        .when(cmd<RecordConsent>('RecordConsent', { partyId: 'stranger', consented: true }, meta(NOW)))
        .thenThrows('MEDIATION.UNKNOWN_PARTY', 'validation');
    });
    it('refuses recording the same party’s answer twice', () => {
      spec
        .given([...history.consentPending(), ev.consentGiven(PARTY_A, T.consentA)])
        .when(cmd<RecordConsent>('RecordConsent', { partyId: PARTY_A, consented: false }, meta(NOW)))
        .thenThrows('MEDIATION.CONSENT_ALREADY_RECORDED', 'illegal_state');
    });
  });

  it('DeclineMediation without a reason is refused', () => {
    spec
      .given(history.registered())
      .when(cmd<DeclineMediation>('DeclineMediation', { grounds: 'outside_scope' }, meta(NOW)))
      .thenThrows('MEDIATION.REASON_REQUIRED', 'validation');
  });

  describe('NotifyRights', () => {
    it('refuses an empty list, a stranger, or no document', () => {
      const given = history.consentPending();
      const notify = (partyIds: string[], documentRef = 'doc') => cmd<NotifyRights>('NotifyRights', { partyIds, documentRef }, meta(NOW));
      spec.given(given).when(notify([])).thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
      spec
        .given(given)
        .when(notify(['stranger']))
        .thenThrows('MEDIATION.UNKNOWN_PARTY', 'validation');
      spec
        .given(given)
        .when(notify([PARTY_A], ''))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    });
  });

  it('AddDossierItem refuses an unknown item kind and a missing document', () => {
    spec
      .given(history.registered())
      .when(cmd('AddDossierItem', { item: 'selfie', documentRef: 'doc' } as never, meta(NOW)))
      .thenThrows('MEDIATION.UNKNOWN_DOSSIER_ITEM', 'validation');
    spec
      .given(history.registered())
      .when(cmd<AddDossierItem>('AddDossierItem', { item: 'evidence', documentRef: '' }, meta(NOW)))
      .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
  });

  describe('AssignMediator / RecuseMediator', () => {
    it('refuses assigning a mediator already on the case, or none', () => {
      spec
        .given(history.mediatorAssigned())
        .when(cmd<AssignMediator>('AssignMediator', { mediatorIds: [MEDIATOR_1], method: 'designated' }, meta(NOW)))
        .thenThrows('MEDIATION.MEDIATOR_ALREADY_ASSIGNED', 'validation');
      spec
        .given(history.accepted())
        .when(cmd<AssignMediator>('AssignMediator', { mediatorIds: [], method: 'designated' }, meta(NOW)))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    });
    it('refuses recusing a mediator who is not on the case', () => {
      spec
        .given(history.mediatorAssigned())
        .when(cmd<RecuseMediator>('RecuseMediator', { mediatorId: MEDIATOR_2, grounds: 'other' }, meta(NOW)))
        .thenThrows('MEDIATION.MEDIATOR_NOT_ASSIGNED', 'validation');
    });
    it('refuses a party-requested recusal without the party, or by a stranger', () => {
      spec
        .given(history.mediatorAssigned())
        .when(cmd<RecuseMediator>('RecuseMediator', { mediatorId: MEDIATOR_1, grounds: 'party_request' }, meta(NOW)))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
      spec
        .given(history.mediatorAssigned())
        .when(cmd<RecuseMediator>('RecuseMediator', { mediatorId: MEDIATOR_1, grounds: 'party_request', requestedByPartyId: 'stranger' }, meta(NOW)))
        .thenThrows('MEDIATION.UNKNOWN_PARTY', 'validation');
    });
  });

  describe('RecordSession', () => {
    it('refuses the same session twice (conflict)', () => {
      spec.given(history.mediating()).when(session()).thenThrows('MEDIATION.DUPLICATE_SESSION', 'conflict');
    });
    it('refuses a session held in the future or before acceptance', () => {
      spec
        .given(history.mediatorAssigned())
        .when(session({ heldAt: '2025-03-11T09:00:00+08:00' }))
        .thenThrows('MEDIATION.TIME_IN_FUTURE', 'validation');
      spec
        .given(history.mediatorAssigned())
        .when(session({ heldAt: '2025-03-01T09:00:00+08:00' }))
        .thenThrows('MEDIATION.TIME_BEFORE_PREVIOUS_STEP', 'validation');
    });
    it('refuses a session run by a mediator not on the case', () => {
      spec
        .given(history.mediatorAssigned())
        .when(session({ mediatorIds: [MEDIATOR_2] }))
        .thenThrows('MEDIATION.MEDIATOR_NOT_ASSIGNED', 'validation');
    });
    it('refuses a session without attending parties or with a stranger', () => {
      spec
        .given(history.mediatorAssigned())
        .when(session({ attendingPartyIds: [] }))
        .thenThrows('MEDIATION.FIELD_REQUIRED');
      spec
        .given(history.mediatorAssigned())
        .when(session({ attendingPartyIds: ['stranger'] }))
        .thenThrows('MEDIATION.UNKNOWN_PARTY', 'validation');
    });
    it('refuses invited participants the parties did not agree to (人民调解法§20)', () => {
      const error = spec
        .given(history.mediatorAssigned())
        .when(session({ invitedParticipants: [{ participantId: 'expert-1', relation: 'expert', partiesConsented: false }] }))
        .thenThrows('MEDIATION.INVITEE_CONSENT_REQUIRED', 'validation');
      expect(error.details).toEqual({ withoutConsent: ['expert-1'] });
    });
    it('refuses a session without a summary', () => {
      spec
        .given(history.mediatorAssigned())
        .when(session({ summary: '' }))
        .thenThrows('MEDIATION.FIELD_REQUIRED');
    });
  });

  it('ReportRisk refuses a report without measures or police unit', () => {
    const risk = (measures: string, policeUnitId: string) => cmd<ReportRisk>('ReportRisk', { riskKind: 'criminal', measures, policeUnitId }, meta(NOW));
    spec.given(history.mediating()).when(risk('', 'p')).thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    spec.given(history.mediating()).when(risk('x', '')).thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
  });

  describe('ExtendMediation', () => {
    const extend = (extendBy: number, consentingPartyIds: string[]) => cmd<ExtendMediation>('ExtendMediation', { extendBy, consentingPartyIds }, meta(NOW));
    it('refuses an extension without both parties’ consent', () => {
      const error = spec
        .given(history.mediating())
        .when(extend(10, [PARTY_A]))
        .thenThrows('MEDIATION.EXTENSION_CONSENT_REQUIRED', 'validation');
      expect(error.details).toEqual({ missing: [PARTY_B] });
    });
    it('refuses a non-positive or fractional extension, or a stranger’s consent', () => {
      spec
        .given(history.mediating())
        .when(extend(0, [PARTY_A, PARTY_B]))
        .thenThrows('MEDIATION.INVALID_EXTENSION');
      spec
        .given(history.mediating())
        .when(extend(1.5, [PARTY_A, PARTY_B]))
        .thenThrows('MEDIATION.INVALID_EXTENSION');
      spec
        .given(history.mediating())
        .when(extend(5, [PARTY_A, PARTY_B, 'stranger']))
        .thenThrows('MEDIATION.UNKNOWN_PARTY', 'validation');
    });
  });

  it('ReachAgreement refuses an agreement without terms', () => {
    spec
      .given(history.mediating())
      .when(cmd<ReachAgreement>('ReachAgreement', { agreementId: 'a', form: 'written', terms: ' ' }, meta(NOW)))
      .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
  });

  describe('SignAgreement', () => {
    const sign = (signedByPartyIds: string[], mediatorSigned = true, committeeSealed = true) =>
      cmd<SignAgreement>('SignAgreement', { signedByPartyIds, mediatorSigned, committeeSealed }, meta(T.signed));
    it('refuses when a party has not signed, the mediator has not signed or the seal is missing (§29)', () => {
      const e1 = spec
        .given(history.agreementReached())
        .when(sign([PARTY_A]))
        .thenThrows('MEDIATION.SIGNATURES_INCOMPLETE');
      expect(e1.details).toMatchObject({ unsignedPartyIds: [PARTY_B] });
      spec
        .given(history.agreementReached())
        .when(sign([PARTY_A, PARTY_B], false))
        .thenThrows('MEDIATION.SIGNATURES_INCOMPLETE');
      spec
        .given(history.agreementReached())
        .when(sign([PARTY_A, PARTY_B], true, false))
        .thenThrows('MEDIATION.SIGNATURES_INCOMPLETE', 'validation');
    });
    it('refuses signing an agreement that is already effective', () => {
      spec
        .given(history.agreementEffective())
        .when(sign([PARTY_A, PARTY_B]))
        .thenThrows('MEDIATION.AGREEMENT_ALREADY_EFFECTIVE', 'illegal_state');
    });
  });

  describe('TerminateMediation', () => {
    it('refuses a termination that does not tell every route (人民调解法§26)', () => {
      const error = spec
        .given(history.mediating())
        .when(cmd<TerminateMediation>('TerminateMediation', { grounds: 'no_agreement', routesTold: ['judicial'] }, meta(NOW)))
        .thenThrows('MEDIATION.ROUTES_NOT_TOLD', 'validation');
      expect(error.details).toEqual({ notTold: ['arbitration', 'administrative'] });
    });
    it('refuses listing a route twice', () => {
      spec
        .given(history.mediating())
        .when(
          cmd<TerminateMediation>(
            'TerminateMediation',
            { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial', 'judicial'] },
            meta(NOW),
          ),
        )
        .thenThrows('MEDIATION.DUPLICATE_ENTRY', 'validation');
    });
    it('refuses ending mediation once the agreement is effective', () => {
      spec
        .given(history.agreementEffective())
        .when(cmd<TerminateMediation>('TerminateMediation', { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'] }, meta(NOW)))
        .thenThrows('MEDIATION.AGREEMENT_ALREADY_EFFECTIVE', 'illegal_state');
    });
  });

  describe('before the agreement takes effect', () => {
    it('refuses performance, failure, judicial confirmation and follow-up visits', () => {
      const given = history.agreementReached();
      const later = meta('2025-03-22T10:00:00+08:00');
      const commands: MediationCommand[] = [
        cmd<RecordPerformance>('RecordPerformance', { complete: true, description: 'x' }, later),
        cmd<ReportPerformanceFailure>('ReportPerformanceFailure', { defaultingPartyIds: [PARTY_B], description: 'x' }, later),
        cmd<FileJudicialConfirmation>(
          'FileJudicialConfirmation',
          { courtId: 'c', filedAt: '2025-03-22T09:00:00+08:00', applicantPartyIds: [PARTY_A, PARTY_B] },
          later,
        ),
        cmd<RecordFollowUpVisit>('RecordFollowUpVisit', { visitedPartyIds: [PARTY_A], performanceSatisfactory: true, reescalationRisk: false }, later),
      ];
      for (const c of commands) spec.given(given).when(c).thenThrows('MEDIATION.AGREEMENT_NOT_EFFECTIVE', 'illegal_state');
    });
  });

  it('RecordPerformance refuses an empty description', () => {
    spec
      .given(history.agreementEffective())
      .when(cmd<RecordPerformance>('RecordPerformance', { complete: true, description: '' }, meta(T.performed)))
      .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
  });

  it('ReportPerformanceFailure refuses no defaulting party or a stranger', () => {
    const failure = (ids: string[]) =>
      cmd<ReportPerformanceFailure>('ReportPerformanceFailure', { defaultingPartyIds: ids, description: 'x' }, meta(T.performed));
    spec.given(history.performing()).when(failure([])).thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    spec
      .given(history.performing())
      .when(failure(['stranger']))
      .thenThrows('MEDIATION.UNKNOWN_PARTY', 'validation');
  });

  describe('FileJudicialConfirmation', () => {
    const file = (data: Partial<FileJudicialConfirmation['data']>, now: string = T.filed) =>
      cmd<FileJudicialConfirmation>(
        'FileJudicialConfirmation',
        { courtId: 'court-basic-1', filedAt: T.filed, applicantPartyIds: [PARTY_A, PARTY_B], ...data },
        meta(now),
      );
    it('refuses an application by one party only (joint application, §33)', () => {
      spec
        .given(history.agreementEffective())
        .when(file({ applicantPartyIds: [PARTY_A] }))
        .thenThrows('MEDIATION.JOINT_APPLICATION_REQUIRED', 'validation');
    });
    it('refuses a filing time in the future or before the agreement took effect', () => {
      spec
        .given(history.agreementEffective())
        .when(file({ filedAt: '2025-03-26T09:00:00+08:00' }))
        .thenThrows('MEDIATION.TIME_IN_FUTURE', 'validation');
      spec
        .given(history.agreementEffective())
        .when(file({ filedAt: '2025-03-20T09:00:00+08:00' }))
        .thenThrows('MEDIATION.TIME_BEFORE_PREVIOUS_STEP', 'validation');
    });
    it('refuses a filing without a court', () => {
      spec
        .given(history.agreementEffective())
        .when(file({ courtId: '' }))
        .thenThrows('MEDIATION.FIELD_REQUIRED');
    });
  });

  it('RecordJudicialConfirmationDecision refuses a missing ruling or a decision before the filing', () => {
    const decide = (decidedAt: string, rulingRef = 'ruling-1') =>
      cmd<RecordJudicialConfirmationDecision>('RecordJudicialConfirmationDecision', { confirmed: true, decidedAt, rulingRef }, meta(T.decided));
    spec.given(history.jcFiled()).when(decide(T.decided, '')).thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    spec.given(history.jcFiled()).when(decide('2025-03-24T09:00:00+08:00')).thenThrows('MEDIATION.TIME_BEFORE_PREVIOUS_STEP', 'validation');
  });

  it('RecordFollowUpVisit refuses no visited party or a stranger', () => {
    const visit = (ids: string[]) =>
      cmd<RecordFollowUpVisit>('RecordFollowUpVisit', { visitedPartyIds: ids, performanceSatisfactory: true, reescalationRisk: false }, meta(T.archived));
    spec.given(history.performed()).when(visit([])).thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    spec
      .given(history.performed())
      .when(visit(['stranger']))
      .thenThrows('MEDIATION.UNKNOWN_PARTY', 'validation');
  });

  describe('TransferCase', () => {
    it('refuses a transfer to the same committee', () => {
      spec
        .given(history.mediating())
        .when(cmd<TransferCase>('TransferCase', { toCommitteeId: COMMITTEE, toLevel: 'village' }, meta(NOW, { reason: 'x' })))
        .thenThrows('MEDIATION.SAME_COMMITTEE', 'validation');
    });
    it('refuses a transfer without a reason or a target', () => {
      spec
        .given(history.mediating())
        .when(cmd<TransferCase>('TransferCase', { toCommitteeId: 'committee-town-1', toLevel: 'town' }, meta(NOW)))
        .thenThrows('MEDIATION.REASON_REQUIRED', 'validation');
      spec
        .given(history.mediating())
        .when(cmd<TransferCase>('TransferCase', { toCommitteeId: '', toLevel: 'town' }, meta(NOW, { reason: 'x' })))
        .thenThrows('MEDIATION.FIELD_REQUIRED', 'validation');
    });
  });

  describe('ArchiveCase', () => {
    const archive = cmd<ArchiveCase>('ArchiveCase', {}, meta(T.archived));
    it('refuses to archive while a mandatory dossier item is missing, and names it', () => {
      const withoutIdentity = history.performed().filter((e) => !(e.type === 'DossierItemAdded' && e.data.item === 'identity_proof'));
      const error = spec.given(withoutIdentity).when(archive).thenThrows('MEDIATION.DOSSIER_INCOMPLETE', 'illegal_state');
      expect(error.details).toEqual({ missing: ['identity_proof'] });
      expect(error.message).toContain('当事人身份证明');
    });
    it('requires the mediation record once a session was held, and the agreement once one was reached', () => {
      const noRecord = [...history.mediatorAssigned(), ev.session('session-1', null), ev.terminated()];
      expect(spec.given(noRecord).when(archive).thenThrows('MEDIATION.DOSSIER_INCOMPLETE').details).toEqual({
        missing: ['mediation_record'],
      });
      const oralNoRegister = [
        ...history.mediating(),
        { ...ev.agreementReached('oral', T.signed), data: { ...ev.agreementReached('oral', T.signed).data, documentRef: undefined } },
        ev.agreementSigned(),
        ev.performance(true),
      ] as MediationEvent[];
      expect(spec.given(oralNoRegister).when(archive).thenThrows('MEDIATION.DOSSIER_INCOMPLETE').details).toEqual({
        missing: ['agreement'],
      });
    });
    it('requires the rights notice once the case was accepted', () => {
      const noNotice = history.terminated().filter((e) => e.type !== 'RightsNotified');
      expect(spec.given(noNotice).when(archive).thenThrows('MEDIATION.DOSSIER_INCOMPLETE').details).toEqual({
        missing: ['rights_notice'],
      });
    });
  });

  it('a rules configuration counting the mediation period in working hours is refused', () => {
    expect(() =>
      createMediationDecider({
        rules: { ...defaultMediationRules, mediationDuration: { ruleId: 'x', duration: 8, unit: 'working_hours' } },
        calendar: CN_NATIONAL_CALENDAR,
      }),
    ).toThrow(expect.objectContaining({ code: 'MEDIATION.INVALID_RULES' }));
  });
});

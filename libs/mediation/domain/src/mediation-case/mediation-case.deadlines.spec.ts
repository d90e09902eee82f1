import { CN_NATIONAL_CALENDAR, Deadline } from '@fengqiao/kernel';
import { deciderSpec } from '../testing/decider-spec';
import { CASE_ID, cmd, ev, history, MEDIATION_DEADLINE, meta, PARTY_A, PARTY_B, scheduler, stamp, T } from '../testing/mediation-case.fixtures';
import { BreachMediationDeadline, FileJudicialConfirmation, RecordConsent, SignAgreement, WarnMediationDeadline } from './mediation-case.commands';
import { createMediationDecider } from './mediation-case.decider';
import { MediationEvent } from './mediation-case.events';
import { defaultMediationRules, MEDIATION_LEGAL_BASIS as LB, MediationRules } from './mediation-case.rules';

/**
 * Deadlines on the national calendar (CN, data version 2026-1): 2025 清明 04-04..04-06; 国庆·中秋
 * 10-01..10-08 with make-up workdays Sun 09-28 and Sat 10-11. Day periods exclude the start day and
 * end at 24:00 of the last day; a last day that is a day off moves to the next working day (民法典 §203).
 */
const decider = createMediationDecider({ rules: defaultMediationRules, calendar: CN_NATIONAL_CALENDAR });
const spec = deciderSpec(decider);

const lastConsent = (now: string) => cmd<RecordConsent>('RecordConsent', { partyId: PARTY_B, consented: true }, meta(now));
const pendingWithA = (): MediationEvent[] => [...history.consentPending(), ev.consentGiven(PARTY_A, T.consentA)];

const duration = (over: Partial<Deadline>): Deadline => ({
  ruleId: 'mediation.duration',
  legalBasis: LB.mediationDuration,
  duration: 30,
  unit: 'calendar_days',
  startAt: '',
  dueAt: '',
  calendarId: 'CN',
  calendarVersion: '2026-1',
  ...over,
});

const window = (over: Partial<Deadline>): Deadline => ({
  ruleId: 'mediation.judicial_confirmation_window',
  legalBasis: LB.judicialConfirmation,
  duration: 30,
  unit: 'calendar_days',
  startAt: '',
  dueAt: '',
  calendarId: 'CN',
  calendarVersion: '2026-1',
  ...over,
});

describe('MediationCase deadlines — mediation duration (default one month = 30 days, ministry rule)', () => {
  it('a last day in the 清明 holiday (Sat 2025-04-05) moves to Mon 04-07', () => {
    const now = '2025-03-06T10:00:00+08:00';
    spec
      .given(pendingWithA())
      .when(lastConsent(now))
      .then([
        ev.consentGiven(PARTY_B, now),
        ev.accepted(
          now,
          duration({
            startAt: '2025-03-06T02:00:00.000Z',
            dueAt: '2025-04-07T16:00:00.000Z',
            warnAt: '2025-04-02T16:00:00.000Z',
            lastDay: '2025-04-07',
            shiftedFrom: '2025-04-05',
          }),
        ),
      ]);
  });

  describe('across National Day 2025 (10-01..10-08)', () => {
    const accepted = '2025-09-05T10:00:00+08:00';
    // day 30 is Sun 10-05, inside the holiday → first working day after it, Thu 10-09
    const deadline = duration({
      startAt: '2025-09-05T02:00:00.000Z',
      dueAt: '2025-10-09T16:00:00.000Z',
      warnAt: '2025-10-04T16:00:00.000Z',
      lastDay: '2025-10-09',
      shiftedFrom: '2025-10-05',
    });
    const given = (): MediationEvent[] => [...pendingWithA(), ev.consentGiven(PARTY_B, accepted), ev.accepted(accepted, deadline)];
    const warn = (now: string) => cmd<WarnMediationDeadline>('WarnDeadline', { deadline: 'mediation_duration' }, meta(now, { actor: scheduler }));
    const breach = (now: string) => cmd<BreachMediationDeadline>('BreachDeadline', { deadline: 'mediation_duration' }, meta(now, { actor: scheduler }));
    const timerEvent = (type: 'DeadlineWarned' | 'DeadlineBreached', now: string): MediationEvent => ({
      type,
      data: { caseId: CASE_ID, kind: 'mediation_duration', deadline, ...stamp(now, { actor: scheduler }) },
      legalBasis: LB.mediationDuration,
    });

    it('records the deadline on MediationAccepted', () => {
      spec
        .given(pendingWithA())
        .when(lastConsent(accepted))
        .then([ev.consentGiven(PARTY_B, accepted), ev.accepted(accepted, deadline)]);
    });

    it('WarnDeadline is refused one minute before the warning is due, and warns after', () => {
      spec.given(given()).when(warn('2025-10-04T23:59:00+08:00')).thenThrows('MEDIATION.DEADLINE_NOT_DUE', 'illegal_state');
      const { state } = spec
        .given(given())
        .when(warn('2025-10-05T00:30:00+08:00'))
        .then([timerEvent('DeadlineWarned', '2025-10-05T00:30:00+08:00')]);
      expect(state).toMatchObject({ mediationDeadline: { warned: true, breached: false } });
    });

    it('BreachDeadline is refused on the last day (Thu 10-09, 23:59:59) and breaches at 24:00', () => {
      spec.given(given()).when(breach('2025-10-09T23:59:59+08:00')).thenThrows('MEDIATION.DEADLINE_NOT_DUE', 'illegal_state');
      const { state } = spec
        .given(given())
        .when(breach('2025-10-10T00:00:00+08:00'))
        .then([timerEvent('DeadlineBreached', '2025-10-10T00:00:00+08:00')]);
      expect(state).toMatchObject({ status: 'accepted', mediationDeadline: { breached: true } });
    });

    it('a redelivered timer records nothing new', () => {
      const warned = [...given(), timerEvent('DeadlineWarned', '2025-10-05T00:30:00+08:00')];
      spec.given(warned).when(warn('2025-10-05T01:00:00+08:00')).then([]);
      const breached = [...warned, timerEvent('DeadlineBreached', '2025-10-10T00:00:00+08:00')];
      spec.given(breached).when(breach('2025-10-10T00:05:00+08:00')).then([]);
      spec.given(breached).when(warn('2025-10-10T00:05:00+08:00')).then([]);
    });
  });

  it('an extension replaces the deadline: an old warning time no longer warns', () => {
    const warned: MediationEvent = {
      type: 'DeadlineWarned',
      data: { caseId: CASE_ID, kind: 'mediation_duration', deadline: MEDIATION_DEADLINE, ...stamp('2025-03-30T09:00:00+08:00', { actor: scheduler }) },
      legalBasis: LB.mediationDuration,
    };
    const extended = decider.decide(
      cmd('ExtendMediation', { extendBy: 10, consentingPartyIds: [PARTY_A, PARTY_B] }, meta('2025-03-31T09:00:00+08:00')),
      [...history.mediating(), warned].reduce(decider.evolve, decider.initialState()),
    );
    const given = [...history.mediating(), warned, ...extended];
    // old warnAt 03-29 has passed, the new one (04-09, 24:00) has not
    spec
      .given(given)
      .when(cmd<WarnMediationDeadline>('WarnDeadline', { deadline: 'mediation_duration' }, meta('2025-04-05T09:00:00+08:00', { actor: scheduler })))
      .thenThrows('MEDIATION.DEADLINE_NOT_DUE');
    // and the old due date (04-03, 24:00) is no longer a breach
    spec
      .given(given)
      .when(cmd<BreachMediationDeadline>('BreachDeadline', { deadline: 'mediation_duration' }, meta('2025-04-04T09:00:00+08:00', { actor: scheduler })))
      .thenThrows('MEDIATION.DEADLINE_NOT_DUE');
  });

  it('a local rule in working days counts both make-up workdays (Sun 09-28, Sat 10-11) and skips the holiday', () => {
    const rules: MediationRules = {
      ...defaultMediationRules,
      mediationDuration: { ruleId: 'mediation.duration.local', legalBasis: '某市人民调解规定（地方规定）', duration: 10, unit: 'working_days', warnBefore: 2 },
    };
    const local = deciderSpec(createMediationDecider({ rules, calendar: CN_NATIONAL_CALENDAR }));
    const now = '2025-09-25T10:00:00+08:00';
    // Thu 09-25 → 09-26, 09-28(调休), 09-29, 09-30, 10-09, 10-10, 10-11(调休), 10-13, 10-14, 10-15
    local
      .given(pendingWithA())
      .when(lastConsent(now))
      .then([
        ev.consentGiven(PARTY_B, now),
        {
          type: 'MediationAccepted',
          data: {
            caseId: CASE_ID,
            mediationDeadline: {
              ruleId: 'mediation.duration.local',
              legalBasis: '某市人民调解规定（地方规定）',
              duration: 10,
              unit: 'working_days',
              startAt: '2025-09-25T02:00:00.000Z',
              dueAt: '2025-10-15T16:00:00.000Z',
              warnAt: '2025-10-13T16:00:00.000Z',
              lastDay: '2025-10-15',
              calendarId: 'CN',
              calendarVersion: '2026-1',
            },
            ...stamp(now),
          },
          legalBasis: '某市人民调解规定（地方规定）',
        },
      ]);
  });

  it('a deadline running into 2027 (no notice yet) is computed on the provisional calendar and marked so', () => {
    const now = '2026-12-15T10:00:00+08:00';
    // day 30 is Thu 2027-01-14, a working day on the provisional 2027 calendar
    spec
      .given(pendingWithA())
      .when(lastConsent(now))
      .then([
        ev.consentGiven(PARTY_B, now),
        ev.accepted(
          now,
          duration({
            startAt: '2026-12-15T02:00:00.000Z',
            dueAt: '2027-01-14T16:00:00.000Z',
            warnAt: '2027-01-09T16:00:00.000Z',
            lastDay: '2027-01-14',
            calendarVersion: '2026-1+CN-2027-provisional',
            provisional: true,
            provisionalYears: [2027],
          }),
        ),
      ]);
  });

  it('timers are refused when the mediation clock is not running, or the rule has no warning', () => {
    const warn = cmd<WarnMediationDeadline>('WarnDeadline', { deadline: 'mediation_duration' }, meta('2025-04-05T09:00:00+08:00', { actor: scheduler }));
    const breach = cmd<BreachMediationDeadline>('BreachDeadline', { deadline: 'mediation_duration' }, meta('2025-04-05T09:00:00+08:00', { actor: scheduler }));
    spec.given([]).when(warn).thenThrows('MEDIATION.CASE_NOT_FOUND', 'not_found');
    spec.given([]).when(breach).thenThrows('MEDIATION.CASE_NOT_FOUND', 'not_found');
    for (const given of [history.consentPending(), history.agreementEffective(), history.terminated(), history.archived()]) {
      spec.given(given).when(warn).thenThrows('MEDIATION.DEADLINE_NOT_ACTIVE', 'illegal_state');
      spec.given(given).when(breach).thenThrows('MEDIATION.DEADLINE_NOT_ACTIVE', 'illegal_state');
    }
    const { warnAt: _omit, ...noWarning } = MEDIATION_DEADLINE;
    const given = [...pendingWithA(), ev.consentGiven(PARTY_B, T.accepted), ev.accepted(T.accepted, noWarning)];
    spec.given(given).when(warn).thenThrows('MEDIATION.DEADLINE_HAS_NO_WARNING', 'illegal_state');
  });
});

describe('MediationCase deadlines — judicial confirmation within 30 days of the agreement taking effect (§33; 民事诉讼法§205)', () => {
  const sign = (now: string) =>
    cmd<SignAgreement>('SignAgreement', { signedByPartyIds: [PARTY_A, PARTY_B], mediatorSigned: true, committeeSealed: true }, meta(now));
  const file = (filedAt: string, now = filedAt) =>
    cmd<FileJudicialConfirmation>('FileJudicialConfirmation', { courtId: 'court-basic-1', filedAt, applicantPartyIds: [PARTY_A, PARTY_B] }, meta(now));
  const reached = (at: string): MediationEvent[] => [...history.mediating(), ev.agreementReached('written', at)];

  describe('across National Day: signed Mon 2025-09-08, day 30 is Wed 10-08 (holiday) → Thu 10-09', () => {
    const signed = '2025-09-08T10:00:00+08:00';
    const jcWindow = window({
      startAt: '2025-09-08T02:00:00.000Z',
      dueAt: '2025-10-09T16:00:00.000Z',
      lastDay: '2025-10-09',
      shiftedFrom: '2025-10-08',
    });
    const effective = (): MediationEvent[] => [...reached('2025-09-05T10:00:00+08:00'), ev.agreementSigned(signed, jcWindow)];

    it('records the window on AgreementTookEffect', () => {
      spec
        .given(reached('2025-09-05T10:00:00+08:00'))
        .when(sign(signed))
        .then([ev.agreementSigned(signed, jcWindow)]);
    });

    it('accepts a filing on the moved last day, Thu 10-09', () => {
      const filedAt = '2025-10-09T17:00:00+08:00';
      spec
        .given(effective())
        .when(file(filedAt))
        .then([
          {
            type: 'JudicialConfirmationFiled',
            data: {
              caseId: CASE_ID,
              courtId: 'court-basic-1',
              filedAt,
              applicantPartyIds: [PARTY_A, PARTY_B],
              windowDueAt: '2025-10-09T16:00:00.000Z',
              ...stamp(filedAt),
            },
            legalBasis: '人民调解法§33;民事诉讼法(2023)§205',
          },
        ]);
    });

    it('refuses a filing on Fri 10-10 with a DomainError naming the last day', () => {
      const error = spec
        .given(effective())
        .when(file('2025-10-10T09:00:00+08:00'))
        .thenThrows('MEDIATION.JUDICIAL_CONFIRMATION_WINDOW_CLOSED', 'illegal_state');
      expect(error.message).toContain('2025-10-09');
      expect(error.details).toMatchObject({ dueAt: '2025-10-09T16:00:00.000Z', lastDay: '2025-10-09' });
    });

    it('judges by when the application reached the court, not when it was recorded', () => {
      const { events } = spec
        .given(effective())
        .when(file('2025-10-09T11:00:00+08:00', '2025-10-13T09:00:00+08:00'))
        .thenMatch([{ type: 'JudicialConfirmationFiled' }]);
      expect(events[0].data).toMatchObject({ filedAt: '2025-10-09T11:00:00+08:00', occurredAt: '2025-10-13T09:00:00+08:00' });
    });
  });

  describe('ending on a make-up workday: signed Fri 2025-08-29, day 30 is Sun 09-28, worked (调休)', () => {
    const signed = '2025-08-29T10:00:00+08:00';
    const jcWindow = window({ startAt: '2025-08-29T02:00:00.000Z', dueAt: '2025-09-28T16:00:00.000Z', lastDay: '2025-09-28' });
    const effective = (): MediationEvent[] => [...reached('2025-08-28T10:00:00+08:00'), ev.agreementSigned(signed, jcWindow)];

    it('the Sunday is a working day, so the window is not moved', () => {
      spec
        .given(reached('2025-08-28T10:00:00+08:00'))
        .when(sign(signed))
        .then([ev.agreementSigned(signed, jcWindow)]);
    });

    it('accepts a filing on Sun 09-28 and refuses one on Mon 09-29', () => {
      spec
        .given(effective())
        .when(file('2025-09-28T15:00:00+08:00'))
        .thenMatch([{ type: 'JudicialConfirmationFiled' }]);
      spec.given(effective()).when(file('2025-09-29T09:00:00+08:00')).thenThrows('MEDIATION.JUDICIAL_CONFIRMATION_WINDOW_CLOSED');
    });
  });
});

import { calendarsFromNotices, CN_NATIONAL_CALENDAR, fold, SHIPPED_CALENDAR_NOTICES, withNotice } from '@fengqiao/kernel';
import { TEST_NOTICE_2027 } from '@fengqiao/kernel/testing';
import { deciderSpec } from '../testing/decider-spec';
import { CASE_ID, cmd, ev, history, mediator, meta, PARTY_A, PARTY_B, scheduler, stamp, T } from '../testing/mediation-case.fixtures';
import { BreachMediationDeadline, MediationCommand, ReviseMediationDeadline } from './mediation-case.commands';
import { createMediationDecider } from './mediation-case.decider';
import { MediationEvent } from './mediation-case.events';
import { defaultMediationRules, MEDIATION_LEGAL_BASIS as LB } from './mediation-case.rules';

/**
 * Mediation deadlines revised when the calendar changes. Before the 2027 notice, 2027 is
 * provisional: 除夕 Fri 02-05 .. 正月初三 Mon 02-08 off. The (made-up) test notice makes 春节
 * 02-05..02-11. The histories are produced by the decider on the 2026 calendar, then the decider
 * on the calendar with the notice revises them.
 */
const decider2026 = createMediationDecider({ rules: defaultMediationRules, calendar: CN_NATIONAL_CALENDAR });
const [withNotice2027] = calendarsFromNotices(withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027), { tableVersion: 2 });
const after = deciderSpec(createMediationDecider({ rules: defaultMediationRules, calendar: withNotice2027 }));

function run(given: MediationEvent[], ...commands: MediationCommand[]): MediationEvent[] {
  const events = [...given];
  for (const c of commands) events.push(...decider2026.decide(c, fold(decider2026, events)));
  return events;
}

const revise = (now: string) => cmd<ReviseMediationDeadline>('ReviseDeadline', { notice: '测试〔2026〕1号' }, meta(now, { actor: scheduler }));
const pendingWithA = (): MediationEvent[] => [...history.consentPending(), ev.consentGiven(PARTY_A, T.consentA)];

describe('MediationCase — ReviseDeadline (calendar notice loaded)', () => {
  // accepted Wed 2027-01-06: day 30 is 除夕 Fri 02-05 → provisional Tue 02-09; with the notice Fri 02-12
  const accepted = run(pendingWithA(), cmd('RecordConsent', { partyId: PARTY_B, consented: true }, meta('2027-01-06T10:00:00+08:00')));
  const provisional = (accepted[accepted.length - 1] as Extract<MediationEvent, { type: 'MediationAccepted' }>).data.mediationDeadline;

  it('the mediation clock: one DeadlineRevised with old and new due and both calendar versions; a second revision changes nothing', () => {
    expect(provisional).toMatchObject({ lastDay: '2027-02-09', provisional: true, calendarVersion: '2026-1+CN-2027-provisional' });
    const at = '2026-12-21T10:00:00+08:00';
    const { events, state } = after
      .given(accepted)
      .when(revise(at))
      .thenMatch([
        {
          type: 'DeadlineRevised',
          data: {
            caseId: CASE_ID,
            kind: 'mediation_duration',
            previous: { dueAt: '2027-02-09T16:00:00.000Z', lastDay: '2027-02-09', calendarVersion: '2026-1+CN-2027-provisional', provisional: true },
            deadline: { startAt: provisional.startAt, lastDay: '2027-02-12', dueAt: '2027-02-12T16:00:00.000Z', calendarVersion: '2027-2' },
            ...stamp(at, { actor: scheduler }),
          },
          legalBasis: LB.mediationDuration,
        },
      ]);
    expect(events[0]).not.toHaveProperty('data.deadline.provisional');
    expect(state).toMatchObject({ mediationDeadline: { deadline: { lastDay: '2027-02-12' }, breached: false } });
    after
      .given([...accepted, ...events])
      .when(revise('2026-12-22T10:00:00+08:00'))
      .then([]);
    const breach = (now: string) => cmd<BreachMediationDeadline>('BreachDeadline', { deadline: 'mediation_duration' }, meta(now, { actor: scheduler }));
    after
      .given([...accepted, ...events])
      .when(breach('2027-02-10T00:00:00+08:00'))
      .thenThrows('MEDIATION.DEADLINE_NOT_DUE', 'illegal_state');
    after
      .given([...accepted, ...events])
      .when(breach('2027-02-13T00:00:00+08:00'))
      .thenMatch([{ type: 'DeadlineBreached' }]);
  });

  it('the §33 judicial-confirmation window of a signed agreement is revised too; an archived case is not', () => {
    // signed Sun 2027-01-10: 30 days → Tue 02-09, a working day provisionally, inside 春节 with the notice → Fri 02-12
    const signed = run(
      history.mediating(),
      cmd(
        'ReachAgreement',
        { agreementId: 'agr-1', form: 'written', terms: '赔偿 2000 元', documentRef: 'doc-agr-1' },
        meta('2027-01-09T15:00:00+08:00', { actor: mediator }),
      ),
      cmd(
        'SignAgreement',
        { signedByPartyIds: [PARTY_A, PARTY_B], mediatorSigned: true, committeeSealed: true },
        meta('2027-01-10T10:00:00+08:00', { actor: mediator }),
      ),
    );
    const at = '2026-12-21T10:00:00+08:00';
    after
      .given(signed)
      .when(revise(at))
      .thenMatch([
        {
          type: 'DeadlineRevised',
          data: {
            kind: 'judicial_confirmation_window',
            previous: { lastDay: '2027-02-09', provisional: true },
            deadline: { lastDay: '2027-02-12', calendarVersion: '2027-2' },
          },
          legalBasis: LB.judicialConfirmation,
        },
      ]);
    after.given(history.archived()).when(revise(at)).then([]);
  });
});

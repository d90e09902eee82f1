import { calendarsFromNotices, CN_NATIONAL_CALENDAR, Deadline, SHIPPED_CALENDAR_NOTICES, withNotice } from '@fengqiao/kernel';
import { TEST_NOTICE_2027 } from '@fengqiao/kernel/testing';
import { deciderSpec } from '../testing/decider-spec';
import { cmd, ev, history, meta, PETITION_ID, scheduler, stamp } from '../testing/petition.fixtures';
import { BreachPetitionDeadline, ClosePetition, DeliverOpinion, NotifyAcceptance, RevisePetitionDeadline, WarnPetitionDeadline } from './petition.commands';
import { createPetitionDecider } from './petition.decider';
import { PetitionEvent } from './petition.events';
import { defaultPetitionRules, PETITION_LEGAL_BASIS as LB } from './petition.rules';

/**
 * Deadlines revised when the calendar changes. The petition is accepted on 2026-12-10, before the
 * 2027 notice: its 60-day handling deadline is provisional (day 60 = 正月初三 2027-02-08, moved to
 * Tue 02-09). Then a (made-up) 2027 notice is loaded: 春节 02-05..02-11 with make-up workdays Sun
 * 01-31 and Sat 02-20; day 60 is now inside the holiday and the period ends on Fri 02-12.
 */
const [withNotice2027] = calendarsFromNotices(withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027), { tableVersion: 2 });
const before = deciderSpec(createPetitionDecider({ rules: defaultPetitionRules, calendar: CN_NATIONAL_CALENDAR }));
const after = deciderSpec(createPetitionDecider({ rules: defaultPetitionRules, calendar: withNotice2027 }));

const acceptedAt = '2026-12-10T09:00:00+08:00';
const provisional: Deadline = {
  ruleId: 'petition.handling',
  legalBasis: LB.handling,
  duration: 60,
  unit: 'calendar_days',
  startAt: '2026-12-10T01:00:00.000Z',
  calendarId: 'CN',
  calendarVersion: '2026-1+CN-2027-provisional',
  dueAt: '2027-02-09T16:00:00.000Z',
  warnAt: '2027-01-30T16:00:00.000Z',
  lastDay: '2027-02-09',
  shiftedFrom: '2027-02-08',
  provisional: true,
  provisionalYears: [2027],
};
const official: Deadline = {
  ruleId: 'petition.handling',
  legalBasis: LB.handling,
  duration: 60,
  unit: 'calendar_days',
  startAt: '2026-12-10T01:00:00.000Z',
  calendarId: 'CN',
  calendarVersion: '2027-2',
  dueAt: '2027-02-12T16:00:00.000Z',
  warnAt: '2027-02-02T16:00:00.000Z',
  lastDay: '2027-02-12',
  shiftedFrom: '2027-02-08',
};
const revisedAt = '2026-12-21T10:00:00+08:00';
const revise = (now = revisedAt) => cmd<RevisePetitionDeadline>('ReviseDeadline', { notice: '测试〔2026〕1号' }, meta(now, { actor: scheduler }));
const warn = (now: string) => cmd<WarnPetitionDeadline>('WarnDeadline', { deadline: 'handling' }, meta(now, { actor: scheduler }));
const breach = (now: string) => cmd<BreachPetitionDeadline>('BreachDeadline', { deadline: 'handling' }, meta(now, { actor: scheduler }));
const revised = (now = revisedAt, previous: Deadline = provisional): PetitionEvent => ({
  type: 'DeadlineRevised',
  data: {
    petitionId: PETITION_ID,
    kind: 'handling',
    previous: { dueAt: previous.dueAt, warnAt: previous.warnAt, lastDay: previous.lastDay, calendarVersion: previous.calendarVersion, provisional: true },
    deadline: official,
    ...stamp(now, { actor: scheduler }),
  },
  legalBasis: LB.handling,
});
const accepted = (): PetitionEvent[] => [...history.routed(), ev.acceptanceNotified(acceptedAt, provisional)];

describe('Petition — ReviseDeadline (calendar notice loaded)', () => {
  it('given the provisional acceptance, the decider on the 2026 calendar records it as computed by hand', () => {
    before
      .given(history.routed())
      .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc-acceptance' }, meta(acceptedAt)))
      .then([ev.acceptanceNotified(acceptedAt, provisional)]);
  });

  it('the 2027 notice revises the handling deadline with exactly one DeadlineRevised (old and new due, both versions, basis)', () => {
    const { state } = after.given(accepted()).when(revise()).then([revised()]);
    expect(state).toMatchObject({ deadlines: { handling: { deadline: official, warned: false, breached: false } } });
  });

  it('a second load of the same notice changes nothing', () => {
    after
      .given([...accepted(), revised()])
      .when(revise('2026-12-22T10:00:00+08:00'))
      .then([]);
  });

  it('without a new notice nothing is revised', () => {
    before.given(accepted()).when(revise()).then([]);
  });

  it('the timer fires on the revised date, not the provisional one', () => {
    const given = [...accepted(), revised(), ev.handlingStarted()];
    after.given(given).when(breach('2027-02-10T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE', 'illegal_state');
    after.given(given).when(breach('2027-02-12T23:59:59+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE', 'illegal_state');
    after
      .given(given)
      .when(breach('2027-02-13T00:00:00+08:00'))
      .then([
        {
          type: 'DeadlineBreached',
          data: { petitionId: PETITION_ID, kind: 'handling', deadline: official, ...stamp('2027-02-13T00:00:00+08:00', { actor: scheduler }) },
          legalBasis: LB.handling,
        },
      ]);
  });

  it('a warning given on the provisional date is given again before the later revised due', () => {
    const warnedEvent: PetitionEvent = {
      type: 'DeadlineWarned',
      data: { petitionId: PETITION_ID, kind: 'handling', deadline: provisional, ...stamp('2027-01-31T00:00:00+08:00', { actor: scheduler }) },
      legalBasis: LB.handling,
    };
    const revisedLate = revised('2027-02-01T10:00:00+08:00');
    const { state } = after
      .given([...accepted(), warnedEvent])
      .when(revise('2027-02-01T10:00:00+08:00'))
      .then([revisedLate]);
    expect(state).toMatchObject({ deadlines: { handling: { warned: false } } });
    after
      .given([...accepted(), warnedEvent, revisedLate])
      .when(warn('2027-02-03T00:00:00+08:00'))
      .then([
        {
          type: 'DeadlineWarned',
          data: { petitionId: PETITION_ID, kind: 'handling', deadline: official, ...stamp('2027-02-03T00:00:00+08:00', { actor: scheduler }) },
          legalBasis: LB.handling,
        },
      ]);
  });

  it('closed cases and breached deadlines keep what they had', () => {
    after.given(history.closed()).when(revise()).then([]);
    const breachedEvent: PetitionEvent = {
      type: 'DeadlineBreached',
      data: { petitionId: PETITION_ID, kind: 'handling', deadline: provisional, ...stamp('2027-02-10T00:00:00+08:00', { actor: scheduler }) },
      legalBasis: LB.handling,
    };
    after
      .given([...accepted(), breachedEvent])
      .when(revise('2027-02-10T10:00:00+08:00'))
      .then([]);
    after.given([]).when(revise()).then([]);
  });
});

/**
 * The petitioner's windows follow the calendar too: an opinion received on 2027-01-09 opens the
 * 30-day §35 review request window; day 30 is 2027-02-08 (正月初三). On the provisional 2027 the
 * window ends Tue 02-09; after the notice (春节 02-05..02-11) it ends Fri 02-12.
 */
describe("Petition — ReviseDeadline revises the petitioner's open windows", () => {
  const receivedAt = '2027-01-09T10:00:00+08:00';
  const deliver = cmd<DeliverOpinion>('DeliverOpinion', { receivedAt, method: 'in_person' }, meta(receivedAt));
  const deliveredOn2026Calendar = (): PetitionEvent[] => {
    const { events } = before
      .given(history.opinionIssued())
      .when(deliver)
      .thenMatch([{ type: 'OpinionDelivered' }]);
    return [...history.opinionIssued(), ...events];
  };

  it('given the window computed on the provisional year, the notice revises it: one DeadlineRevised of kind review_request_window', () => {
    const given = deliveredOn2026Calendar();
    const window = (given[given.length - 1] as Extract<PetitionEvent, { type: 'OpinionDelivered' }>).data.reviewRequestWindow;
    expect(window).toMatchObject({ lastDay: '2027-02-09', provisional: true, calendarVersion: '2026-1+CN-2027-provisional' });
    const at = '2027-01-20T10:00:00+08:00';
    const { events, state } = after
      .given(given)
      .when(revise(at))
      .thenMatch([
        {
          type: 'DeadlineRevised',
          data: {
            petitionId: PETITION_ID,
            kind: 'review_request_window',
            previous: { dueAt: window.dueAt, lastDay: '2027-02-09', calendarVersion: '2026-1+CN-2027-provisional', provisional: true },
            deadline: { lastDay: '2027-02-12', dueAt: '2027-02-12T16:00:00.000Z', calendarVersion: '2027-2' },
            ...stamp(at, { actor: scheduler }),
          },
          legalBasis: LB.review,
        },
      ]);
    expect((events[0] as Extract<PetitionEvent, { type: 'DeadlineRevised' }>).data.deadline).not.toHaveProperty('provisional');
    expect(state).toMatchObject({ status: 'delivered', reviewRequestWindow: { lastDay: '2027-02-12' } });
    // the window now closes on the revised day: closing on 02-10 (after the provisional end) is refused
    const revisedHistory = [...given, ...events];
    after
      .given(revisedHistory)
      .when(cmd<ClosePetition>('ClosePetition', {}, meta('2027-02-10T10:00:00+08:00')))
      .thenThrows('PETITION.REVIEW_WINDOW_OPEN', 'illegal_state');
    // and a second revision on the same calendar changes nothing
    after.given(revisedHistory).when(revise('2027-01-21T10:00:00+08:00')).then([]);
  });

  it('a window that had already run out when the notice is loaded stays as it was', () => {
    after.given(deliveredOn2026Calendar()).when(revise('2027-02-10T10:00:00+08:00')).then([]);
  });
});

import { CN_NATIONAL_CALENDAR, Deadline } from '@fengqiao/kernel';
import { deciderSpec } from '../testing/decider-spec';
import { BUREAU, cmd, CITY, D, ev, history, meta, PETITION_ID, PROVINCE, scheduler, stamp, T } from '../testing/petition.fixtures';
import {
  AssignPetition,
  BreachPetitionDeadline,
  EndHearing,
  ExtendHandling,
  NotifyAcceptance,
  ObjectToRouting,
  PetitionDeadlineKind,
  RegisterPetition,
  RequestReReview,
  RequestReview,
  TransferPetition,
  WarnPetitionDeadline,
} from './petition.commands';
import { createPetitionDecider } from './petition.decider';
import { PetitionEvent } from './petition.events';
import { defaultPetitionRules, PETITION_LEGAL_BASIS as LB, PetitionRules } from './petition.rules';

/**
 * Deadlines on the national calendar (CN, data version 2026-1). 2025: 国庆·中秋 10-01..10-08 off,
 * make-up workdays Sun 09-28 and Sat 10-11. Day periods exclude the start day and end at 24:00 of
 * the last day; a calendar-day period whose last day is a day off ends on the next working day
 * (民法典 §203); working-day periods count only working days (make-up workdays included).
 */
const decider = createPetitionDecider({ rules: defaultPetitionRules, calendar: CN_NATIONAL_CALENDAR });
const spec = deciderSpec(decider);
const CN = { calendarId: 'CN', calendarVersion: '2026-1' } as const;

const warn = (kind: PetitionDeadlineKind, now: string) => cmd<WarnPetitionDeadline>('WarnDeadline', { deadline: kind }, meta(now, { actor: scheduler }));
const breach = (kind: PetitionDeadlineKind, now: string) => cmd<BreachPetitionDeadline>('BreachDeadline', { deadline: kind }, meta(now, { actor: scheduler }));
const timerEvent = (type: 'DeadlineWarned' | 'DeadlineBreached', kind: PetitionDeadlineKind, deadline: Deadline, now: string): PetitionEvent => ({
  type,
  data: { petitionId: PETITION_ID, kind, deadline, ...stamp(now, { actor: scheduler }) },
  ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
});

describe('Petition deadlines — routing within 15 days of receipt (§22)', () => {
  it('received Sat 2025-09-20: day 15 is Sun 10-05 (National Day) → Thu 10-09', () => {
    const received = '2025-09-20T10:00:00+08:00';
    const { events } = spec
      .given([])
      .when(
        cmd<RegisterPetition>(
          'RegisterPetition',
          {
            petitionId: PETITION_ID,
            channel: 'online',
            receivedAt: received,
            receivingUnitId: 'petition-office-district',
            receiverKind: 'petition_office',
            petitionerIds: ['petitioner-1'],
            summary: '反映噪声扰民',
            form: 'written',
          },
          meta('2025-09-22T09:00:00+08:00'),
        ),
      )
      .thenMatch([{ type: 'PetitionRegistered' }]);
    expect(events[0].data).toMatchObject({
      routingDeadline: {
        ruleId: 'petition.routing',
        legalBasis: '信访工作条例§22',
        duration: 15,
        unit: 'calendar_days',
        startAt: '2025-09-20T02:00:00.000Z',
        dueAt: '2025-10-09T16:00:00.000Z',
        warnAt: '2025-10-06T16:00:00.000Z',
        lastDay: '2025-10-09',
        shiftedFrom: '2025-10-05',
        ...CN,
      },
    });
  });

  describe('timers on the main journey’s routing deadline (due Wed 06-18, 24:00; warning 06-15, 24:00)', () => {
    it('warns from the warning time, not a minute before', () => {
      spec.given(history.registered()).when(warn('routing', '2025-06-15T23:59:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE', 'illegal_state');
      const { state } = spec
        .given(history.registered())
        .when(warn('routing', '2025-06-16T00:00:00+08:00'))
        .then([timerEvent('DeadlineWarned', 'routing', D.routing, '2025-06-16T00:00:00+08:00')]);
      expect(state).toMatchObject({ deadlines: { routing: { warned: true, breached: false } } });
    });

    it('breaches at 24:00 of the last day, and a redelivered timer records nothing', () => {
      spec.given(history.registered()).when(breach('routing', '2025-06-18T23:59:59+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE');
      const breached = timerEvent('DeadlineBreached', 'routing', D.routing, '2025-06-19T00:00:00+08:00');
      const { state } = spec.given(history.registered()).when(breach('routing', '2025-06-19T00:00:00+08:00')).then([breached]);
      expect(state).toMatchObject({ status: 'registered', deadlines: { routing: { breached: true } } });
      spec
        .given([...history.registered(), breached])
        .when(breach('routing', '2025-06-19T00:05:00+08:00'))
        .then([]);
      spec
        .given([...history.registered(), breached])
        .when(warn('routing', '2025-06-19T00:05:00+08:00'))
        .then([]);
    });

    it('once routed, the routing timer is no longer running', () => {
      spec.given(history.routed()).when(breach('routing', '2025-06-19T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE', 'illegal_state');
    });
  });
});

describe('Petition deadlines — transfer on Fri 2025-09-26, across National Day', () => {
  const routedAt = '2025-09-26T10:00:00+08:00';
  const registered = (): PetitionEvent[] => [
    ev.registered({ receivedAt: '2025-09-25T09:00:00+08:00', routingDeadline: { ...D.routing } }, '信访工作条例§17;信访工作条例§22'),
  ];
  // 5 working days: Sun 09-28 (调休), 09-29, 09-30, [10-01..10-08 off], 10-09, 10-10
  const objectionWindow: Deadline = {
    ruleId: 'petition.objection_window',
    legalBasis: LB.acceptance,
    duration: 5,
    unit: 'working_days',
    startAt: '2025-09-26T02:00:00.000Z',
    dueAt: '2025-10-10T16:00:00.000Z',
    lastDay: '2025-10-10',
    ...CN,
  };
  // 15 days: Sat 10-11 is a make-up workday, so the period is not moved
  const acceptanceNotice: Deadline = {
    ruleId: 'petition.acceptance_notice',
    legalBasis: LB.acceptance,
    duration: 15,
    unit: 'calendar_days',
    startAt: '2025-09-26T02:00:00.000Z',
    dueAt: '2025-10-11T16:00:00.000Z',
    warnAt: '2025-10-08T16:00:00.000Z',
    lastDay: '2025-10-11',
    ...CN,
  };
  const transferred: PetitionEvent = {
    type: 'PetitionTransferred',
    data: {
      petitionId: PETITION_ID,
      toUnitId: BUREAU,
      route: 'competent_body',
      acceptanceNoticeDeadline: acceptanceNotice,
      objectionWindow,
      ...stamp(routedAt),
    },
    legalBasis: LB.routing,
  };

  it('records the 5-working-day objection window and the 15-day notice deadline', () => {
    spec
      .given(registered())
      .when(cmd<TransferPetition>('TransferPetition', { toUnitId: BUREAU, route: 'competent_body' }, meta(routedAt)))
      .then([transferred]);
  });

  it('an objection on Fri 10-10, the fifth working day, is in time', () => {
    const now = '2025-10-10T17:00:00+08:00';
    spec
      .given([...registered(), transferred])
      .when(cmd<ObjectToRouting>('ObjectToRouting', {}, meta(now, { reason: '不属本局职权' })))
      .then([
        {
          type: 'RoutingObjected',
          data: { petitionId: PETITION_ID, unitId: BUREAU, objectionWindowDueAt: '2025-10-10T16:00:00.000Z', ...stamp(now, { reason: '不属本局职权' }) },
          legalBasis: '信访工作条例§23',
        },
      ]);
  });

  it('an objection on Sat 10-11 (a make-up workday, the sixth) is refused', () => {
    const error = spec
      .given([...registered(), transferred])
      .when(cmd<ObjectToRouting>('ObjectToRouting', {}, meta('2025-10-11T09:00:00+08:00', { reason: '不属本局职权' })))
      .thenThrows('PETITION.OBJECTION_WINDOW_CLOSED', 'illegal_state');
    expect(error.message).toContain('2025-10-10');
  });

  it('the acceptance-notice timer warns on 10-09 and breaches after the make-up Saturday', () => {
    const given = [...registered(), transferred];
    spec.given(given).when(warn('acceptance_notice', '2025-10-08T23:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE');
    spec
      .given(given)
      .when(warn('acceptance_notice', '2025-10-09T00:00:00+08:00'))
      .then([timerEvent('DeadlineWarned', 'acceptance_notice', acceptanceNotice, '2025-10-09T00:00:00+08:00')]);
    spec.given(given).when(breach('acceptance_notice', '2025-10-11T18:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE');
    spec
      .given(given)
      .when(breach('acceptance_notice', '2025-10-12T00:00:00+08:00'))
      .then([timerEvent('DeadlineBreached', 'acceptance_notice', acceptanceNotice, '2025-10-12T00:00:00+08:00')]);
  });

  it('an assignment due on Mon 10-06 (holiday) falls due on Thu 10-09; its timer has no warning', () => {
    const { events } = spec
      .given(registered())
      .when(cmd<AssignPetition>('AssignPetition', { toUnitId: BUREAU, reportWithin: 10 }, meta(routedAt)))
      .thenMatch([{ type: 'PetitionAssigned' }]);
    const reportDeadline: Deadline = {
      ruleId: 'petition.assignment_report',
      legalBasis: LB.routing,
      duration: 10,
      unit: 'calendar_days',
      startAt: '2025-09-26T02:00:00.000Z',
      dueAt: '2025-10-09T16:00:00.000Z',
      lastDay: '2025-10-09',
      shiftedFrom: '2025-10-06',
      ...CN,
    };
    expect(events[0].data).toMatchObject({ reportDeadline, objectionWindow, acceptanceNoticeDeadline: acceptanceNotice });
    const given = [...registered(), ...events];
    spec.given(given).when(warn('assignment_report', '2025-10-09T09:00:00+08:00')).thenThrows('PETITION.DEADLINE_HAS_NO_WARNING', 'illegal_state');
    spec
      .given(given)
      .when(breach('assignment_report', '2025-10-10T00:00:00+08:00'))
      .then([timerEvent('DeadlineBreached', 'assignment_report', reportDeadline, '2025-10-10T00:00:00+08:00')]);
  });
});

describe('Petition deadlines — handling within 60 days of acceptance (§34)', () => {
  const acceptedAt = '2025-08-08T10:00:00+08:00';
  // Fri 08-08 + 60 days = Tue 10-07 (National Day) → Thu 10-09
  const handling: Deadline = {
    ruleId: 'petition.handling',
    legalBasis: LB.handling,
    duration: 60,
    unit: 'calendar_days',
    startAt: '2025-08-08T02:00:00.000Z',
    dueAt: '2025-10-09T16:00:00.000Z',
    warnAt: '2025-09-29T16:00:00.000Z',
    lastDay: '2025-10-09',
    shiftedFrom: '2025-10-07',
    ...CN,
  };
  const accepted = (): PetitionEvent[] => [...history.routed(), ev.acceptanceNotified(acceptedAt, handling)];
  const handlingHistory = (): PetitionEvent[] => [...accepted(), ev.handlingStarted()];

  it('starts on AcceptanceNotified and moves past the holiday', () => {
    spec
      .given(history.routed())
      .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc-acceptance' }, meta(acceptedAt)))
      .then([ev.acceptanceNotified(acceptedAt, handling)]);
  });

  it('warns 10 days before the moved due date and breaches at its end', () => {
    spec.given(handlingHistory()).when(warn('handling', '2025-09-29T23:59:59+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE');
    spec
      .given(handlingHistory())
      .when(warn('handling', '2025-09-30T00:00:00+08:00'))
      .then([timerEvent('DeadlineWarned', 'handling', handling, '2025-09-30T00:00:00+08:00')]);
    spec.given(handlingHistory()).when(breach('handling', '2025-10-09T23:59:59+08:00')).thenThrows('PETITION.DEADLINE_NOT_DUE');
    const { state } = spec
      .given(handlingHistory())
      .when(breach('handling', '2025-10-10T00:00:00+08:00'))
      .then([timerEvent('DeadlineBreached', 'handling', handling, '2025-10-10T00:00:00+08:00')]);
    expect(state).toMatchObject({ status: 'handling', deadlines: { handling: { breached: true } } });
  });

  it('the timer also runs between acceptance and the start of handling, and stops with the opinion', () => {
    spec
      .given(accepted())
      .when(breach('handling', '2025-10-10T00:00:00+08:00'))
      .then([timerEvent('DeadlineBreached', 'handling', handling, '2025-10-10T00:00:00+08:00')]);
    spec
      .given([...handlingHistory(), ev.opinionIssued()])
      .when(breach('handling', '2025-10-10T00:00:00+08:00'))
      .thenThrows('PETITION.DEADLINE_NOT_ACTIVE', 'illegal_state');
  });

  it('an extension of 30 days gives 90 days from acceptance (Thu 11-06) and re-arms the timers', () => {
    const now = '2025-09-30T09:00:00+08:00';
    const extendedDeadline: Deadline = {
      ...handling,
      duration: 90,
      dueAt: '2025-11-06T16:00:00.000Z',
      warnAt: '2025-10-27T16:00:00.000Z',
      lastDay: '2025-11-06',
    };
    delete extendedDeadline.shiftedFrom;
    const warned = timerEvent('DeadlineWarned', 'handling', handling, '2025-09-30T00:00:00+08:00');
    const { state } = spec
      .given([...handlingHistory(), warned])
      .when(cmd<ExtendHandling>('ExtendHandling', { extendBy: 30, approvedBy: 'head-1' }, meta(now, { reason: '情况复杂' })))
      .then([
        {
          type: 'HandlingExtended',
          data: {
            petitionId: PETITION_ID,
            extendBy: 30,
            approvedBy: 'head-1',
            previousDueAt: handling.dueAt,
            handlingDeadline: extendedDeadline,
            ...stamp(now, { reason: '情况复杂' }),
          },
          legalBasis: '信访工作条例§34',
        },
      ]);
    expect(state).toMatchObject({ deadlines: { handling: { deadline: extendedDeadline, warned: false, breached: false } } });
  });
});

describe('Petition deadlines — review and re-review windows (§35, §36)', () => {
  it('a review request on the moved last day (Mon 09-01) is in time; on 09-02 it is refused', () => {
    const request = (requestedAt: string) => cmd<RequestReview>('RequestReview', { requestedAt, reviewingUnitId: CITY }, meta('2025-09-03T09:00:00+08:00'));
    spec
      .given(history.delivered())
      .when(request('2025-09-01T20:00:00+08:00'))
      .thenMatch([{ type: 'ReviewRequested' }]);
    const error = spec.given(history.delivered()).when(request('2025-09-02T00:00:00+08:00')).thenThrows('PETITION.REVIEW_WINDOW_CLOSED', 'illegal_state');
    expect(error.details).toMatchObject({ dueAt: D.reviewRequestWindow.dueAt, lastDay: '2025-09-01' });
  });

  it('a re-review request on Mon 10-13 (day 30 was Sun 10-12) is in time; on 10-14 it is refused', () => {
    const request = (requestedAt: string) =>
      cmd<RequestReReview>('RequestReReview', { requestedAt, reReviewingUnitId: PROVINCE }, meta('2025-10-14T09:00:00+08:00'));
    spec
      .given(history.reviewDelivered())
      .when(request('2025-10-13T18:00:00+08:00'))
      .thenMatch([{ type: 'ReReviewRequested' }]);
    spec.given(history.reviewDelivered()).when(request('2025-10-14T08:00:00+08:00')).thenThrows('PETITION.RE_REVIEW_WINDOW_CLOSED', 'illegal_state');
  });

  it('the review timer warns and breaches on the review deadline (Fri 09-19)', () => {
    spec
      .given(history.reviewing())
      .when(warn('review', '2025-09-15T00:00:00+08:00'))
      .then([timerEvent('DeadlineWarned', 'review', D.review, '2025-09-15T00:00:00+08:00')]);
    spec
      .given(history.reviewRequested())
      .when(breach('review', '2025-09-20T00:00:00+08:00'))
      .then([timerEvent('DeadlineBreached', 'review', D.review, '2025-09-20T00:00:00+08:00')]);
    spec.given(history.reviewDecided()).when(breach('review', '2025-09-20T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE');
  });

  describe('re-review hearing time is not counted (§36 ¶2)', () => {
    const hearingStart = '2025-09-30T09:00:00+08:00';
    const hearingEnd = '2025-10-09T17:00:00+08:00';

    it('timers are refused while the clock is stopped', () => {
      const given = [...history.reReviewing(), ev.hearingStarted('re_review', hearingStart)];
      spec.given(given).when(breach('re_review', '2025-10-21T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_PAUSED', 'illegal_state');
      spec.given(given).when(warn('re_review', '2025-10-16T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_PAUSED', 'illegal_state');
    });

    it('a hearing from Tue 09-30 to Thu 10-09 excludes 10 calendar days: due Thu 10-30', () => {
      const { events, state } = spec
        .given([...history.reReviewing(), ev.hearingStarted('re_review', hearingStart)])
        .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-1', recordRef: 'doc-hearing' }, meta(hearingEnd)))
        .thenMatch([{ type: 'HearingEnded' }]);
      expect(events[0].data).toMatchObject({
        excludedDays: 10,
        reReviewDeadline: {
          ...D.reReview,
          duration: 40,
          dueAt: '2025-10-30T16:00:00.000Z',
          warnAt: '2025-10-25T16:00:00.000Z',
          lastDay: '2025-10-30',
        },
      });
      // the old due date (10-20) no longer breaches; the new one does
      spec
        .given([...history.reReviewing(), ev.hearingStarted('re_review', hearingStart), ...events])
        .when(breach('re_review', '2025-10-21T00:00:00+08:00'))
        .thenThrows('PETITION.DEADLINE_NOT_DUE');
      expect(state).toMatchObject({ deadlines: { re_review: { excludedDays: 10 } } });
    });

    it('with a re-review rule in working days, the same hearing excludes only its 2 working days', () => {
      const rules: PetitionRules = {
        ...defaultPetitionRules,
        reReview: { ruleId: 'petition.re_review.wd', legalBasis: LB.reReview, duration: 20, unit: 'working_days' },
      };
      const local = deciderSpec(createPetitionDecider({ rules, calendar: CN_NATIONAL_CALENDAR }));
      const requestedAt = '2025-09-22T10:00:00+08:00';
      // Mon 09-22 + 20 working days (09-28 and 10-11 worked, 10-01..10-08 off) = Fri 10-24
      const original: Deadline = {
        ruleId: 'petition.re_review.wd',
        legalBasis: LB.reReview,
        duration: 20,
        unit: 'working_days',
        startAt: '2025-09-22T02:00:00.000Z',
        dueAt: '2025-10-24T16:00:00.000Z',
        lastDay: '2025-10-24',
        ...CN,
      };
      local
        .given(history.reviewDelivered())
        .when(cmd<RequestReReview>('RequestReReview', { requestedAt, reReviewingUnitId: PROVINCE }, meta(requestedAt)))
        .then([ev.reReviewRequested(original, requestedAt)]);
      const given = [
        ...history.reviewDelivered(),
        ev.reReviewRequested(original, requestedAt),
        ev.reReviewStarted(),
        ev.hearingStarted('re_review', hearingStart),
      ];
      const { events } = local
        .given(given)
        .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-1', recordRef: 'doc-hearing' }, meta(hearingEnd)))
        .thenMatch([{ type: 'HearingEnded' }]);
      // 09-30 and 10-09 are the working days of the hearing → 22 working days → Tue 10-28
      expect(events[0].data).toMatchObject({
        excludedDays: 2,
        reReviewDeadline: { ...original, duration: 22, dueAt: '2025-10-28T16:00:00.000Z', lastDay: '2025-10-28' },
      });
    });
  });
});

describe('Petition deadlines — timers that do not apply', () => {
  it('are refused on an unregistered petition, a deadline not running, or a finished one', () => {
    spec.given([]).when(warn('routing', T.routed)).thenThrows('PETITION.NOT_FOUND', 'not_found');
    spec.given([]).when(breach('handling', T.routed)).thenThrows('PETITION.NOT_FOUND', 'not_found');
    spec.given(history.registered()).when(breach('handling', '2025-12-01T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE');
    spec.given(history.registered()).when(breach('acceptance_notice', '2025-12-01T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE');
    spec.given(history.terminated()).when(breach('re_review', '2025-12-01T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE');
    spec.given(history.closed()).when(breach('handling', '2025-12-01T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE');
    spec.given(history.notAccepted()).when(breach('routing', '2025-12-01T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE');
  });

  it('a direct receipt runs the acceptance-notice clock from receipt, not a routing clock', () => {
    const direct = [
      ev.registered(
        {
          receivingUnitId: BUREAU,
          receiverKind: 'handling_body',
          routingDeadline: undefined,
          acceptanceNoticeDeadline: { ...D.routing, ruleId: 'petition.acceptance_notice', legalBasis: LB.acceptance },
        },
        'x',
      ),
    ];
    spec.given(direct).when(breach('routing', '2025-06-19T00:00:00+08:00')).thenThrows('PETITION.DEADLINE_NOT_ACTIVE');
    spec
      .given(direct)
      .when(breach('acceptance_notice', '2025-06-19T00:00:00+08:00'))
      .then([
        timerEvent(
          'DeadlineBreached',
          'acceptance_notice',
          { ...D.routing, ruleId: 'petition.acceptance_notice', legalBasis: LB.acceptance },
          '2025-06-19T00:00:00+08:00',
        ),
      ]);
  });

  it('accepted on 2026-12-10: a provisional 60-day handling deadline, its 60th day in 春节 2027, moved past it', () => {
    // Start day not counted (民法典 §201): day 1 is 12-11; 21 days to 12-31, 31 in January, day 60 is
    // 2027-02-08 = 正月初三 (Mon), the last statutory day of 春节 (除夕 02-05 .. 初三 02-08) on the
    // provisional 2027 calendar. A last day off moves to the next working day (民法典 §203): Tue 02-09,
    // with no bridging days or 调休 until the notice is out. Due at 24:00 that day, 16:00Z.
    const at = '2026-12-10T09:00:00+08:00';
    const handling: Deadline = {
      ruleId: 'petition.handling',
      legalBasis: LB.handling,
      duration: 60,
      unit: 'calendar_days',
      startAt: '2026-12-10T01:00:00.000Z',
      dueAt: '2027-02-09T16:00:00.000Z',
      warnAt: '2027-01-30T16:00:00.000Z',
      lastDay: '2027-02-09',
      shiftedFrom: '2027-02-08',
      calendarId: 'CN',
      calendarVersion: '2026-1+CN-2027-provisional',
      provisional: true,
      provisionalYears: [2027],
    };
    spec
      .given(history.routed())
      .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc-acceptance' }, meta(at)))
      .then([ev.acceptanceNotified(at, handling)]);
  });
});

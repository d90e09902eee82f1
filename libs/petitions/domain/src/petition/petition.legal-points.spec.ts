import { CN_NATIONAL_CALENDAR, fold } from '@fengqiao/kernel';
import { deciderSpec } from '../testing/decider-spec';
import { cmd, D, ev, history, meta, T } from '../testing/petition.fixtures';
import { AssignPetition, EndHearing, ExtendHandling, NotifyAcceptance, TransferPetition } from './petition.commands';
import { createPetitionDecider } from './petition.decider';
import { defaultPetitionRules, PETITION_LEGAL_BASIS as LB, PetitionRules } from './petition.rules';

/** The legal points of 信访工作条例 (2022) the decider follows (issue #9, item 5). */
const decider = createPetitionDecider({ rules: defaultPetitionRules, calendar: CN_NATIONAL_CALENDAR });
const spec = deciderSpec(decider);

describe("§23: the receiving body's clocks run from when it got the matter", () => {
  // transferred Thu 2025-06-05 by post, received Mon 06-09 15:00: 15 days → Tue 06-24; 5 working days → Mon 06-16
  const receivedAt = '2025-06-09T15:00:00+08:00';

  it('a transfer with a receipt date starts the acceptance notice and objection clocks at receipt', () => {
    spec
      .given(history.registered())
      .when(cmd<TransferPetition>('TransferPetition', { toUnitId: 'housing-bureau', route: 'competent_body', receivedAt }, meta(T.routed)))
      .thenMatch([
        {
          type: 'PetitionTransferred',
          data: {
            receivedAt,
            acceptanceNoticeDeadline: { startAt: '2025-06-09T07:00:00.000Z', lastDay: '2025-06-24', dueAt: '2025-06-24T16:00:00.000Z' },
            objectionWindow: { startAt: '2025-06-09T07:00:00.000Z', lastDay: '2025-06-16' },
            occurredAt: T.routed,
          },
        },
      ]);
  });

  it('an assignment too; without a receipt date the clocks start at the routing time', () => {
    spec
      .given(history.registered())
      .when(cmd<AssignPetition>('AssignPetition', { toUnitId: 'housing-bureau', reportWithin: 30, receivedAt }, meta(T.routed)))
      .thenMatch([{ type: 'PetitionAssigned', data: { receivedAt, acceptanceNoticeDeadline: { lastDay: '2025-06-24' } } }]);
    const { events } = spec
      .given(history.registered())
      .when(cmd<TransferPetition>('TransferPetition', { toUnitId: 'housing-bureau', route: 'competent_body' }, meta(T.routed)))
      .thenMatch([{ type: 'PetitionTransferred', data: { acceptanceNoticeDeadline: D.acceptanceNotice } }]);
    expect(events[0].data).not.toHaveProperty('receivedAt');
  });

  it('refuses a receipt before the petition was received, or more than 30 days after the routing', () => {
    const transfer = (at: string) =>
      cmd<TransferPetition>('TransferPetition', { toUnitId: 'housing-bureau', route: 'competent_body', receivedAt: at }, meta(T.routed));
    spec.given(history.registered()).when(transfer('2025-06-01T09:00:00+08:00')).thenThrows('PETITION.INVALID_RECEIPT_TIME', 'validation');
    spec.given(history.registered()).when(transfer('2025-07-06T10:00:01+08:00')).thenThrows('PETITION.INVALID_RECEIPT_TIME', 'validation');
    spec.given(history.registered()).when(transfer('yesterday')).thenThrows('PETITION.INVALID_RECEIPT_TIME', 'validation');
  });
});

describe('§36 ¶2: a re-review hearing excludes the time it actually took', () => {
  it('a hearing from 14:00 to 10:00 the next morning (20 hours) excludes 1 day, not 2 calendar dates', () => {
    const start = '2025-09-25T14:00:00+08:00';
    const end = '2025-09-26T10:00:00+08:00';
    spec
      .given([...history.reReviewing(), ev.hearingStarted('re_review', start)])
      .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-1', recordRef: 'doc-hearing' }, meta(end)))
      .thenMatch([
        {
          type: 'HearingEnded',
          data: {
            excludedDays: 1,
            reReviewDeadline: { ...D.reReview, duration: 31, lastDay: '2025-10-21', dueAt: '2025-10-21T16:00:00.000Z', warnAt: '2025-10-16T16:00:00.000Z' },
          },
        },
      ]);
  });
});

describe('§34: the handling clock', () => {
  it('is configuration per category, each rule naming its basis (60 days of §34 by default)', () => {
    const local = '某市信访事项办理规定第十条（地方规定，示例）';
    const rules: PetitionRules = {
      ...defaultPetitionRules,
      handlingByCategory: { suggestion: { ruleId: 'petition.handling.suggestion', legalBasis: local, duration: 30, unit: 'calendar_days' } },
    };
    const configured = deciderSpec(createPetitionDecider({ rules, calendar: CN_NATIONAL_CALENDAR }));
    const suggestion = [ev.registered({ category: 'suggestion' }), ev.transferred()];
    configured
      .given(suggestion)
      .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc' }, meta(T.accepted)))
      .thenMatch([
        {
          type: 'AcceptanceNotified',
          data: { handlingDeadline: { ruleId: 'petition.handling.suggestion', legalBasis: local, duration: 30 } },
          legalBasis: `${LB.acceptance};${local}`,
        },
      ]);
    const claim = [ev.registered({ category: 'claim' }), ev.transferred()];
    configured
      .given(claim)
      .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc' }, meta(T.accepted)))
      .thenMatch([{ type: 'AcceptanceNotified', data: { handlingDeadline: { ruleId: 'petition.handling', legalBasis: LB.handling, duration: 60 } } }]);
    expect(() =>
      createPetitionDecider({
        rules: { ...rules, handlingByCategory: { claim: { ruleId: 'x', duration: 30, unit: 'calendar_days' } } },
        calendar: CN_NATIONAL_CALENDAR,
      }),
    ).toThrow(/须注明依据/);
  });

  it('an extension is refused once the handling period has run out', () => {
    const handling = fold(decider, history.handling());
    const due = handling.status === 'handling' ? handling.deadlines.handling!.deadline.dueAt : '';
    const extend = (now: string) => cmd<ExtendHandling>('ExtendHandling', { extendBy: 10, approvedBy: 'head-1' }, meta(now, { reason: '情况复杂' }));
    spec
      .given(history.handling())
      .when(extend(new Date(Date.parse(due) - 1).toISOString()))
      .thenMatch([{ type: 'HandlingExtended' }]);
    const error = spec.given(history.handling()).when(extend(due)).thenThrows('PETITION.HANDLING_PERIOD_EXPIRED', 'illegal_state');
    expect(error.details).toMatchObject({ dueAt: due });
  });
});

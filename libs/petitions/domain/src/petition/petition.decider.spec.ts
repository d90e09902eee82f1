import { CN_NATIONAL_CALENDAR, fold } from '@fengqiao/kernel';
import { deciderSpec } from '../testing/decider-spec';
import { BUREAU, CITY, cmd, D, ev, history, meta, OFFICE, PETITION_ID, PETITIONER, PROVINCE, stamp, T } from '../testing/petition.fixtures';
import {
  AssignPetition,
  ClosePetition,
  DecideReReview,
  DecideReview,
  DeliverOpinion,
  DeliverReviewDecision,
  EndHearing,
  ExtendHandling,
  IssueOpinion,
  NotifyAcceptance,
  ObjectToRouting,
  PetitionCommand,
  PetitionCommandType,
  RecordSettlement,
  RedirectPetitioner,
  RegisterPetition,
  RejectAsRepeat,
  RequestReReview,
  RequestReview,
  RuleOnObjection,
  StartHandling,
  StartHearing,
  StartReReview,
  StartReview,
  SupervisePetition,
  TransferPetition,
} from './petition.commands';
import { createPetitionDecider, petitionDecider, toPetitionStreamId } from './petition.decider';
import { PetitionEvent } from './petition.events';
import { defaultPetitionRules, PETITION_LEGAL_BASIS as LB } from './petition.rules';
import { PetitionStatus } from './petition.state';

const decider = createPetitionDecider({ rules: defaultPetitionRules, calendar: CN_NATIONAL_CALENDAR });
const spec = deciderSpec(decider);

const register = (data: Partial<RegisterPetition['data']> = {}, now: string = T.registered) =>
  cmd<RegisterPetition>(
    'RegisterPetition',
    {
      petitionId: PETITION_ID,
      channel: 'letter',
      receivedAt: T.received,
      receivingUnitId: OFFICE,
      receiverKind: 'petition_office',
      petitionerIds: [PETITIONER],
      summary: '反映小区加装电梯补贴未兑现',
      form: 'written',
      ...data,
    },
    meta(now),
  );

const opinion = (data: Partial<IssueOpinion['data']> = {}) =>
  cmd<IssueOpinion>(
    'IssueOpinion',
    {
      outcome: 'not_support',
      request: '兑现加装电梯补贴',
      factsAndReasons: '该小区未通过验收，不符合补贴条件',
      legalBasisCited: '某市既有住宅加装电梯补贴办法第八条',
      documentRef: 'doc-opinion',
      ...data,
    },
    meta(T.opinion),
  );

describe('Petition decider — transitions', () => {
  it('petitionDecider is the default rules on the national calendar', () => {
    deciderSpec(petitionDecider).given([]).when(register()).then([ev.registered()]);
  });

  it('names the stream petition-<id>', () => {
    expect(toPetitionStreamId('abc')).toBe('petition-abc');
    expect(() => toPetitionStreamId('')).toThrow('信访事项编号不能为空');
  });

  describe('RegisterPetition', () => {
    it('a petition office registers a letter and starts the 15-day routing clock from receipt (§17, §22)', () => {
      const { state } = spec.given([]).when(register()).then([ev.registered()]);
      expect(state).toMatchObject({
        status: 'registered',
        receivedAt: T.received,
        registeredAt: T.registered,
        flags: { supervised: false, repeat: false, groupVisit: false },
        deadlines: { routing: { deadline: D.routing, warned: false, breached: false } },
      });
    });

    it.each(['online', 'phone', 'fax'] as const)('accepts the %s channel', (channel) => {
      spec
        .given([])
        .when(register({ channel }))
        .then([ev.registered({ channel })]);
    });

    it('a body receiving a visit directly owes the petitioner an answer within 15 days (§23); oral and group visit cited', () => {
      const groupVisit = { visitorCount: 12, representativeIds: ['p1', 'p2', 'p3', 'p4', 'p5'] };
      const { state } = spec
        .given([])
        .when(
          register({
            channel: 'visit',
            receivingUnitId: BUREAU,
            receiverKind: 'handling_body',
            petitionerIds: ['p1', 'p2', 'p3', 'p4', 'p5'],
            form: 'oral',
            recordRef: 'doc-visit-record',
            groupVisit,
          }),
        )
        .then([
          ev.registered(
            {
              channel: 'visit',
              receivingUnitId: BUREAU,
              receiverKind: 'handling_body',
              petitionerIds: ['p1', 'p2', 'p3', 'p4', 'p5'],
              form: 'oral',
              recordRef: 'doc-visit-record',
              groupVisit,
              routingDeadline: undefined,
              acceptanceNoticeDeadline: {
                ...D.routing,
                ruleId: 'petition.acceptance_notice',
                legalBasis: LB.acceptance,
              },
            },
            '信访工作条例§17;信访工作条例§23;信访工作条例§19;信访工作条例§20',
          ),
        ]);
      expect(state).toMatchObject({ flags: { groupVisit: true }, deadlines: { acceptance_notice: { warned: false } } });
    });

    it('the same matter already being handled here is flagged as a repeat and registered', () => {
      const relatedMatter = { petitionId: 'petition-earlier', relation: 'being_handled_here' as const };
      const { state } = spec
        .given([])
        .when(register({ relatedMatter }))
        .then([ev.registered({ relatedMatter }, '信访工作条例§17;信访工作条例§22;信访工作条例§19')]);
      expect(state).toMatchObject({ status: 'registered', flags: { repeat: true } });
    });

    it('a matter being handled below and raised to this higher body is not accepted — an event, not an error (§19)', () => {
      const relatedMatter = { petitionId: 'petition-lower', relation: 'being_handled_lower_level' as const };
      const { state } = spec
        .given([])
        .when(register({ relatedMatter }))
        .then([
          ev.registered({ relatedMatter, routingDeadline: undefined }, '信访工作条例§17;信访工作条例§22;信访工作条例§19'),
          {
            type: 'PetitionNotAccepted',
            data: {
              petitionId: PETITION_ID,
              grounds: 'repeat_to_higher_level',
              relatedPetitionId: 'petition-lower',
              ...stamp(T.registered),
            },
            legalBasis: '信访工作条例§19',
          },
        ]);
      expect(state).toMatchObject({
        status: 'not_accepted',
        flags: { repeat: true },
        notAccepted: { grounds: 'repeat_to_higher_level', relatedPetitionId: 'petition-lower' },
        deadlines: {},
      });
    });

    it('the same facts after a re-review are not accepted again (§36)', () => {
      const relatedMatter = { petitionId: 'petition-concluded', relation: 'concluded_by_re_review' as const };
      const { events, state } = spec
        .given([])
        .when(register({ relatedMatter }))
        .thenMatch([
          { type: 'PetitionRegistered' },
          {
            type: 'PetitionNotAccepted',
            data: {
              petitionId: PETITION_ID,
              grounds: 'same_facts_after_re_review',
              relatedPetitionId: 'petition-concluded',
              ...stamp(T.registered),
            },
            legalBasis: '信访工作条例§36',
          },
        ]);
      expect(events[0].data).not.toHaveProperty('routingDeadline');
      expect(state.status).toBe('not_accepted');
    });
  });

  describe('routing (§22)', () => {
    it('TransferPetition sends the matter to the competent body with the §23 clocks', () => {
      const { state } = spec
        .given(history.registered())
        .when(cmd<TransferPetition>('TransferPetition', { toUnitId: BUREAU, route: 'competent_body' }, meta(T.routed)))
        .then([ev.transferred()]);
      expect(state).toMatchObject({
        status: 'routed',
        routing: { kind: 'transfer', toUnitId: BUREAU, objectionWindow: D.objectionWindow },
        deadlines: { acceptance_notice: { deadline: D.acceptanceNotice } },
      });
    });

    it('a litigation-related letter goes to the 政法 department with no §23 clocks', () => {
      const { state } = spec
        .given(history.registered())
        .when(cmd<TransferPetition>('TransferPetition', { toUnitId: 'court-1', route: 'political_legal' }, meta(T.routed)))
        .then([
          {
            type: 'PetitionTransferred',
            data: { petitionId: PETITION_ID, toUnitId: 'court-1', route: 'political_legal', ...stamp(T.routed) },
            legalBasis: '信访工作条例§22',
          },
        ]);
      expect(state).toMatchObject({ status: 'routed', routing: { route: 'political_legal' } });
      expect(state.status !== 'none' && state.deadlines.acceptance_notice).toBeUndefined();
    });

    it('AssignPetition sets the report deadline the office chose (交办, §22(三))', () => {
      const { state } = spec
        .given(history.registered())
        .when(cmd<AssignPetition>('AssignPetition', { toUnitId: BUREAU, reportWithin: 20 }, meta(T.routed)))
        .then([
          {
            type: 'PetitionAssigned',
            data: {
              petitionId: PETITION_ID,
              toUnitId: BUREAU,
              // Thu 06-05 + 20 days = Wed 06-25
              reportDeadline: {
                ruleId: 'petition.assignment_report',
                legalBasis: LB.routing,
                duration: 20,
                unit: 'calendar_days',
                startAt: '2025-06-05T02:00:00.000Z',
                dueAt: '2025-06-25T16:00:00.000Z',
                lastDay: '2025-06-25',
                calendarId: 'CN',
                calendarVersion: '2026-1',
              },
              acceptanceNoticeDeadline: D.acceptanceNotice,
              objectionWindow: D.objectionWindow,
              ...stamp(T.routed),
            },
            legalBasis: '信访工作条例§22',
          },
        ]);
      expect(state).toMatchObject({ status: 'routed', routing: { kind: 'assign' } });
      expect(state.status !== 'none' && Object.keys(state.deadlines).sort()).toEqual(['acceptance_notice', 'assignment_report', 'routing']);
    });

    it('a body receiving directly may transfer to its subordinate (§23 ¶1)', () => {
      const direct = [ev.registered({ receivingUnitId: CITY, receiverKind: 'handling_body', routingDeadline: undefined }, 'x')];
      const { events } = spec
        .given(direct)
        .when(cmd<TransferPetition>('TransferPetition', { toUnitId: BUREAU, route: 'competent_body' }, meta(T.routed)))
        .then([{ ...ev.transferred(), legalBasis: '信访工作条例§23' }]);
      expect(events).toHaveLength(1);
    });
  });

  describe('objection (§23 ¶3)', () => {
    const reason = '补贴由街道发放，不属本局职权';

    it('ObjectToRouting within 5 working days records the objection', () => {
      const { state } = spec
        .given(history.routed())
        .when(cmd<ObjectToRouting>('ObjectToRouting', {}, meta('2025-06-09T10:00:00+08:00', { reason })))
        .then([ev.objected()]);
      expect(state).toMatchObject({ status: 'routed', routing: { objection: { status: 'pending' } } });
    });

    it('an agreed objection sends the matter back to routing and stops the receiving body’s clocks', () => {
      const now = '2025-06-10T09:00:00+08:00';
      const { state } = spec
        .given([...history.routed(), ev.objected()])
        .when(cmd<RuleOnObjection>('RuleOnObjection', { agreed: true }, meta(now)))
        .then([
          {
            type: 'RoutingObjectionAgreed',
            data: { petitionId: PETITION_ID, returnedFromUnitId: BUREAU, ...stamp(now) },
            legalBasis: '信访工作条例§23',
          },
        ]);
      expect(state.status).toBe('registered');
      expect(state).not.toHaveProperty('routing');
      expect(state.status !== 'none' && Object.keys(state.deadlines)).toEqual(['routing']);
      // and it can be routed again
      spec
        .given([
          ...history.routed(),
          ev.objected(),
          ...decider.decide(cmd<RuleOnObjection>('RuleOnObjection', { agreed: true }, meta(now)), fold(decider, [...history.routed(), ev.objected()])),
        ])
        .when(cmd<TransferPetition>('TransferPetition', { toUnitId: 'street-office-1', route: 'competent_body' }, meta(now)))
        .thenMatch([{ type: 'PetitionTransferred' }]);
    });

    it('an overruled objection keeps the matter with the receiving body', () => {
      const now = '2025-06-10T09:00:00+08:00';
      const { state } = spec
        .given([...history.routed(), ev.objected()])
        .when(cmd<RuleOnObjection>('RuleOnObjection', { agreed: false }, meta(now, { reason: '属住建职权' })))
        .then([
          {
            type: 'RoutingObjectionOverruled',
            data: { petitionId: PETITION_ID, unitId: BUREAU, ...stamp(now, { reason: '属住建职权' }) },
            legalBasis: '信访工作条例§23',
          },
        ]);
      expect(state).toMatchObject({ status: 'routed', routing: { objection: { status: 'overruled' } } });
    });
  });

  describe('acceptance', () => {
    it('NotifyAcceptance by the receiving body starts the 60-day handling clock (§23, §34)', () => {
      const { state } = spec
        .given(history.routed())
        .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc-acceptance' }, meta(T.accepted)))
        .then([ev.acceptanceNotified()]);
      expect(state).toMatchObject({
        status: 'acceptance_notified',
        handlingUnitId: BUREAU,
        acceptedAt: T.accepted,
        deadlines: { handling: { deadline: D.handling } },
      });
    });

    it('after an overruled objection the body must still notify', () => {
      const overruled: PetitionEvent = {
        type: 'RoutingObjectionOverruled',
        data: { petitionId: PETITION_ID, unitId: BUREAU, ...stamp('2025-06-09T12:00:00+08:00') },
        legalBasis: LB.acceptance,
      };
      spec
        .given([...history.routed(), ev.objected(), overruled])
        .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc-acceptance' }, meta(T.accepted)))
        .then([ev.acceptanceNotified()]);
    });

    it('a body that received the petition directly notifies without routing', () => {
      const direct = [ev.registered({ receivingUnitId: BUREAU, receiverKind: 'handling_body', routingDeadline: undefined }, 'x')];
      const { state } = spec
        .given(direct)
        .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc-acceptance' }, meta(T.accepted)))
        .then([ev.acceptanceNotified()]);
      expect(state).toMatchObject({ status: 'acceptance_notified', handlingUnitId: BUREAU });
    });

    it('RedirectPetitioner: outside the body’s competence, the petitioner is told where to go — not accepted (§23)', () => {
      const direct = [ev.registered({ receivingUnitId: BUREAU, receiverKind: 'handling_body', routingDeadline: undefined }, 'x')];
      const { state } = spec
        .given(direct)
        .when(cmd<RedirectPetitioner>('RedirectPetitioner', { toldToApplyTo: '区人力资源和社会保障局' }, meta(T.routed)))
        .then([
          {
            type: 'PetitionNotAccepted',
            data: { petitionId: PETITION_ID, grounds: 'outside_competence', toldToApplyTo: '区人力资源和社会保障局', ...stamp(T.routed) },
            legalBasis: '信访工作条例§23',
          },
        ]);
      expect(state).toMatchObject({ status: 'not_accepted', flags: { repeat: false } });
    });

    it('RejectAsRepeat after routing: found to be raised higher while being handled (§19)', () => {
      const { state } = spec
        .given(history.routed())
        .when(cmd<RejectAsRepeat>('RejectAsRepeat', { relatedPetitionId: 'petition-lower' }, meta(T.routed)))
        .then([ev.notAccepted()]);
      expect(state).toMatchObject({ status: 'not_accepted', flags: { repeat: true } });
    });
  });

  describe('handling', () => {
    it('StartHandling', () => {
      const { state } = spec
        .given(history.acceptanceNotified())
        .when(cmd<StartHandling>('StartHandling', { handlerIds: ['handler-1'] }, meta(T.handlingStarted)))
        .then([ev.handlingStarted()]);
      expect(state).toMatchObject({ status: 'handling', handlerIds: ['handler-1'] });
    });

    it('ExtendHandling by 30 days with the head’s approval, reason given (§34)', () => {
      const reason = '涉及多部门，需联合调查';
      const { state } = spec
        .given(history.handling())
        .when(cmd<ExtendHandling>('ExtendHandling', { extendBy: 30, approvedBy: 'head-1' }, meta(T.extended, { reason })))
        .then([
          {
            type: 'HandlingExtended',
            data: {
              petitionId: PETITION_ID,
              extendBy: 30,
              approvedBy: 'head-1',
              previousDueAt: D.handling.dueAt,
              // 90 days from Tue 06-10 is Mon 09-08
              handlingDeadline: {
                ...D.handling,
                duration: 90,
                dueAt: '2025-09-08T16:00:00.000Z',
                warnAt: '2025-08-29T16:00:00.000Z',
                lastDay: '2025-09-08',
                shiftedFrom: undefined,
              },
              ...stamp(T.extended, { reason }),
            },
            legalBasis: '信访工作条例§34',
          },
        ]);
      expect(state).toMatchObject({ status: 'handling', extension: { extendBy: 30, approvedBy: 'head-1' } });
    });

    it('a hearing during handling is recorded (§31) without stopping the clock', () => {
      const started = spec
        .given(history.handling())
        .when(cmd<StartHearing>('StartHearing', { hearingId: 'hearing-1' }, meta('2025-07-01T09:00:00+08:00')))
        .then([ev.hearingStarted('handling', '2025-07-01T09:00:00+08:00')]);
      expect(started.state).toMatchObject({ hearing: { hearingId: 'hearing-1', stage: 'handling' } });
      const now = '2025-07-01T17:00:00+08:00';
      const { state } = spec
        .given([...history.handling(), ev.hearingStarted('handling', '2025-07-01T09:00:00+08:00')])
        .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-1', recordRef: 'doc-hearing' }, meta(now)))
        .then([
          {
            type: 'HearingEnded',
            data: {
              petitionId: PETITION_ID,
              hearingId: 'hearing-1',
              startedAt: '2025-07-01T09:00:00+08:00',
              recordRef: 'doc-hearing',
              stage: 'handling',
              ...stamp(now),
            },
            legalBasis: '信访工作条例§31',
          },
        ]);
      expect(state).toMatchObject({ hearingsHeld: 1, deadlines: { handling: { deadline: D.handling } } });
      expect(state).not.toHaveProperty('hearing');
    });

    it('RecordSettlement records a settlement agreement (§33)', () => {
      const now = '2025-07-10T10:00:00+08:00';
      const { state } = spec
        .given(history.handling())
        .when(
          cmd<RecordSettlement>(
            'RecordSettlement',
            { kind: 'settlement_agreement', consentingPartyIds: [PETITIONER, 'developer-1'], documentRef: 'doc-settlement' },
            meta(now),
          ),
        )
        .then([
          {
            type: 'SettlementRecorded',
            data: {
              petitionId: PETITION_ID,
              kind: 'settlement_agreement',
              consentingPartyIds: [PETITIONER, 'developer-1'],
              documentRef: 'doc-settlement',
              ...stamp(now),
            },
            legalBasis: '信访工作条例§33',
          },
        ]);
      expect(state).toMatchObject({ status: 'handling', settlements: 1 });
    });

    it.each(['support', 'explain', 'not_support'] as const)('IssueOpinion: %s (§32)', (outcome) => {
      const { state } = spec
        .given(history.handling())
        .when(opinion({ outcome }))
        .then([{ ...ev.opinionIssued(), data: { ...(ev.opinionIssued().data as object), outcome } } as PetitionEvent]);
      expect(state).toMatchObject({ status: 'opinion_issued', opinion: { outcome, issuedAt: T.opinion } });
    });
  });

  it('DeliverOpinion records receipt and opens the 30-day review window from it (§35)', () => {
    const { state } = spec
      .given(history.opinionIssued())
      .when(cmd<DeliverOpinion>('DeliverOpinion', { receivedAt: T.delivered, method: 'post' }, meta(T.delivered)))
      .then([ev.opinionDelivered()]);
    expect(state).toMatchObject({ status: 'delivered', reviewRequestWindow: D.reviewRequestWindow });
  });

  describe('ClosePetition', () => {
    it('closes once the review window has passed without a request (§35)', () => {
      const now = '2025-09-02T09:00:00+08:00';
      const { state } = spec
        .given(history.delivered())
        .when(cmd<ClosePetition>('ClosePetition', {}, meta(now)))
        .then([ev.closed()]);
      expect(state).toMatchObject({ status: 'closed', closedAfter: 'opinion' });
    });

    it('closes after a review once the re-review window has passed (§36)', () => {
      const now = '2025-10-14T00:00:00+08:00';
      const { state } = spec
        .given(history.reviewDelivered())
        .when(cmd<ClosePetition>('ClosePetition', {}, meta(now)))
        .then([
          {
            type: 'PetitionClosed',
            data: { petitionId: PETITION_ID, after: 'review', windowDueAt: D.reReviewRequestWindow.dueAt, ...stamp(now) },
            legalBasis: '信访工作条例§36',
          },
        ]);
      expect(state).toMatchObject({ status: 'closed', closedAfter: 'review' });
    });
  });

  describe('review (复查, §35)', () => {
    it('RequestReview within 30 days to the next-higher body', () => {
      const { state } = spec
        .given(history.delivered())
        .when(cmd<RequestReview>('RequestReview', { requestedAt: T.reviewRequested, reviewingUnitId: CITY }, meta(T.reviewRequested)))
        .then([ev.reviewRequested()]);
      expect(state).toMatchObject({ status: 'review_requested', review: { unitId: CITY }, deadlines: { review: { deadline: D.review } } });
    });

    it('StartReview', () => {
      const { state } = spec
        .given(history.reviewRequested())
        .when(cmd<StartReview>('StartReview', {}, meta(T.reviewStarted)))
        .then([ev.reviewStarted()]);
      expect(state.status).toBe('reviewing');
    });

    it('DecideReview upholds the opinion', () => {
      const { state } = spec
        .given(history.reviewing())
        .when(cmd<DecideReview>('DecideReview', { outcome: 'upheld', reasons: '原处理意见事实清楚', documentRef: 'doc-review' }, meta(T.reviewDecided)))
        .then([ev.reviewDecided()]);
      expect(state).toMatchObject({ status: 'review_decided', review: { decision: { outcome: 'upheld', decidedAt: T.reviewDecided } } });
    });

    it('DecideReview revises the opinion to support', () => {
      const data = { outcome: 'revised' as const, revisedOutcome: 'support' as const, reasons: '补充材料表明已通过验收', documentRef: 'doc-review' };
      const { state } = spec
        .given(history.reviewing())
        .when(cmd<DecideReview>('DecideReview', data, meta(T.reviewDecided)))
        .then([{ type: 'ReviewDecided', data: { petitionId: PETITION_ID, ...data, ...stamp(T.reviewDecided) }, legalBasis: '信访工作条例§35' }]);
      expect(state).toMatchObject({ review: { decision: { revisedOutcome: 'support' } } });
    });

    it('DeliverReviewDecision opens the 30-day re-review window from receipt (§36)', () => {
      const { state } = spec
        .given(history.reviewDecided())
        .when(cmd<DeliverReviewDecision>('DeliverReviewDecision', { receivedAt: T.reviewDelivered }, meta(T.reviewDelivered)))
        .then([ev.reviewDelivered()]);
      expect(state).toMatchObject({
        status: 'review_decided',
        review: { decisionReceivedAt: T.reviewDelivered, nextWindow: D.reReviewRequestWindow },
      });
    });
  });

  describe('re-review (复核, §36)', () => {
    it('RequestReReview within 30 days to the body above the reviewer', () => {
      const { state } = spec
        .given(history.reviewDelivered())
        .when(cmd<RequestReReview>('RequestReReview', { requestedAt: T.reReviewRequested, reReviewingUnitId: PROVINCE }, meta(T.reReviewRequested)))
        .then([ev.reReviewRequested()]);
      expect(state).toMatchObject({ status: 're_review_requested', deadlines: { re_review: { deadline: D.reReview } } });
    });

    it('StartReReview', () => {
      const { state } = spec
        .given(history.reReviewRequested())
        .when(cmd<StartReReview>('StartReReview', {}, meta(T.reReviewStarted)))
        .then([ev.reReviewStarted()]);
      expect(state.status).toBe('re_reviewing');
    });

    it('a re-review hearing stops the clock, and its days are added back when it ends', () => {
      const start = '2025-09-25T09:00:00+08:00';
      const started = spec
        .given(history.reReviewing())
        .when(cmd<StartHearing>('StartHearing', { hearingId: 'hearing-1' }, meta(start)))
        .then([ev.hearingStarted('re_review', start)]);
      expect(started.state).toMatchObject({ deadlines: { re_review: { pausedSince: start } } });
      const end = '2025-09-26T17:00:00+08:00';
      const { state } = spec
        .given([...history.reReviewing(), ev.hearingStarted('re_review', start)])
        .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-1', recordRef: 'doc-hearing' }, meta(end)))
        .then([
          {
            type: 'HearingEnded',
            data: {
              petitionId: PETITION_ID,
              hearingId: 'hearing-1',
              startedAt: start,
              recordRef: 'doc-hearing',
              stage: 're_review',
              excludedDays: 2,
              // Sat 09-20 + 32 days = Wed 10-22
              reReviewDeadline: {
                ...D.reReview,
                duration: 32,
                dueAt: '2025-10-22T16:00:00.000Z',
                warnAt: '2025-10-17T16:00:00.000Z',
                lastDay: '2025-10-22',
              },
              ...stamp(end),
            },
            legalBasis: '信访工作条例§36',
          },
        ]);
      expect(state).toMatchObject({ hearingsHeld: 1, deadlines: { re_review: { excludedDays: 2, warned: false } } });
      expect(state.status !== 'none' && state.deadlines.re_review?.pausedSince).toBeUndefined();
    });

    it('DecideReReview terminates the matter: the same facts are not accepted again (§36)', () => {
      const { state } = spec
        .given(history.reReviewing())
        .when(
          cmd<DecideReReview>(
            'DecideReReview',
            { outcome: 'upheld', reasons: '复查意见正确', documentRef: 'doc-re-review', publicised: false },
            meta(T.reReviewDecided),
          ),
        )
        .then([ev.reReviewDecided()]);
      expect(state).toMatchObject({ status: 'terminated', terminatedAt: T.reReviewDecided, reReview: { decision: { outcome: 'upheld' } } });
    });
  });

  it('SupervisePetition sets the supervised flag, any number of times, in any open status (§40)', () => {
    const now = '2025-07-01T09:00:00+08:00';
    const supervise = cmd<SupervisePetition>(
      'SupervisePetition',
      { supervisingUnitId: OFFICE, form: 'listed', grounds: ['delay'] },
      meta(now, { reason: '超期未反馈' }),
    );
    const supervised: PetitionEvent = {
      type: 'PetitionSupervised',
      data: { petitionId: PETITION_ID, supervisingUnitId: OFFICE, form: 'listed', grounds: ['delay'], ...stamp(now, { reason: '超期未反馈' }) },
      legalBasis: '信访工作条例§40',
    };
    const { state } = spec.given(history.handling()).when(supervise).then([supervised]);
    expect(state).toMatchObject({ status: 'handling', flags: { supervised: true }, supervisions: 1 });
    const again = spec
      .given([...history.handling(), supervised])
      .when(supervise)
      .then([supervised]);
    expect(again.state).toMatchObject({ supervisions: 2 });
  });

  it('evolve ignores an event that does not fit the state instead of throwing', () => {
    const registered = fold(decider, history.registered());
    expect(decider.evolve(registered, ev.reReviewDecided())).toBe(registered);
    expect(decider.evolve(decider.initialState(), ev.transferred())).toEqual({ status: 'none' });
    expect(decider.evolve(registered, { type: 'SomethingNew', data: {} } as unknown as PetitionEvent)).toBe(registered);
  });
});

describe('Petition decider — refusals', () => {
  describe('commands in the wrong state', () => {
    const histories: Record<Exclude<PetitionStatus, 'none'>, PetitionEvent[]> = {
      registered: history.registered(),
      routed: history.routed(),
      acceptance_notified: history.acceptanceNotified(),
      handling: history.handling(),
      opinion_issued: history.opinionIssued(),
      delivered: history.delivered(),
      closed: history.closed(),
      review_requested: history.reviewRequested(),
      reviewing: history.reviewing(),
      review_decided: history.reviewDelivered(),
      re_review_requested: history.reReviewRequested(),
      re_reviewing: history.reReviewing(),
      terminated: history.terminated(),
      not_accepted: history.notAccepted(),
    };
    const m = meta('2025-10-14T09:00:00+08:00', { reason: '理由' });
    const samples: Record<Exclude<PetitionCommandType, 'RegisterPetition' | 'WarnDeadline' | 'BreachDeadline' | 'ReviseDeadline'>, PetitionCommand> = {
      TransferPetition: cmd('TransferPetition', { toUnitId: 'street-office-1', route: 'competent_body' }, m),
      AssignPetition: cmd('AssignPetition', { toUnitId: 'street-office-1', reportWithin: 10 }, m),
      ObjectToRouting: cmd('ObjectToRouting', {}, m),
      RuleOnObjection: cmd('RuleOnObjection', { agreed: true }, m),
      NotifyAcceptance: cmd('NotifyAcceptance', { noticeRef: 'doc' }, m),
      RedirectPetitioner: cmd('RedirectPetitioner', { toldToApplyTo: 'x' }, m),
      DirectToLegalProcedure: cmd('DirectToLegalProcedure', { procedure: 'litigation', body: '区人民法院' }, m),
      RejectAsRepeat: cmd('RejectAsRepeat', { relatedPetitionId: 'p' }, m),
      StartHandling: cmd('StartHandling', { handlerIds: ['h'] }, m),
      ExtendHandling: cmd('ExtendHandling', { extendBy: 10, approvedBy: 'head' }, m),
      StartHearing: cmd('StartHearing', { hearingId: 'h-x' }, m),
      EndHearing: cmd('EndHearing', { hearingId: 'h-x', recordRef: 'r' }, m),
      RecordSettlement: cmd('RecordSettlement', { kind: 'mediation_agreement', consentingPartyIds: ['a'], documentRef: 'd' }, m),
      IssueOpinion: cmd('IssueOpinion', { outcome: 'support', request: 'r', factsAndReasons: 'f', legalBasisCited: 'l', documentRef: 'd' }, m),
      DeliverOpinion: cmd('DeliverOpinion', { receivedAt: '2025-10-14T08:00:00+08:00', method: 'online' }, m),
      ClosePetition: cmd('ClosePetition', {}, m),
      RequestReview: cmd('RequestReview', { requestedAt: '2025-08-30T08:00:00+08:00', reviewingUnitId: CITY }, m),
      StartReview: cmd('StartReview', {}, m),
      DecideReview: cmd('DecideReview', { outcome: 'upheld', reasons: 'r', documentRef: 'd' }, m),
      DeliverReviewDecision: cmd('DeliverReviewDecision', { receivedAt: '2025-10-14T08:00:00+08:00' }, m),
      RequestReReview: cmd('RequestReReview', { requestedAt: '2025-10-01T08:00:00+08:00', reReviewingUnitId: PROVINCE }, m),
      StartReReview: cmd('StartReReview', {}, m),
      DecideReReview: cmd('DecideReReview', { outcome: 'upheld', reasons: 'r', documentRef: 'd', publicised: true }, m),
      SupervisePetition: cmd('SupervisePetition', { supervisingUnitId: OFFICE, form: 'supervision', grounds: ['shirking'] }, m),
    };
    const OPEN: PetitionStatus[] = [
      'registered',
      'routed',
      'acceptance_notified',
      'handling',
      'opinion_issued',
      'delivered',
      'review_requested',
      'reviewing',
      'review_decided',
      're_review_requested',
      're_reviewing',
    ];
    // Written from DESIGN §5.3 and the brief, not read from the decider.
    const allowed: Record<keyof typeof samples, PetitionStatus[]> = {
      TransferPetition: ['registered'],
      AssignPetition: ['registered'],
      ObjectToRouting: ['routed'],
      RuleOnObjection: ['routed'],
      NotifyAcceptance: ['registered', 'routed'],
      RedirectPetitioner: ['registered'],
      DirectToLegalProcedure: ['registered', 'routed'],
      RejectAsRepeat: ['registered', 'routed'],
      StartHandling: ['acceptance_notified'],
      ExtendHandling: ['handling'],
      StartHearing: ['handling', 're_reviewing'],
      EndHearing: ['handling', 're_reviewing'],
      RecordSettlement: ['handling'],
      IssueOpinion: ['handling'],
      DeliverOpinion: ['opinion_issued'],
      ClosePetition: ['delivered', 'review_decided'],
      RequestReview: ['delivered'],
      StartReview: ['review_requested'],
      DecideReview: ['reviewing'],
      DeliverReviewDecision: ['review_decided'],
      RequestReReview: ['review_decided'],
      StartReReview: ['re_review_requested'],
      DecideReReview: ['re_reviewing'],
      SupervisePetition: OPEN,
    };
    const rows = (Object.keys(samples) as (keyof typeof samples)[]).flatMap((type) =>
      (Object.keys(histories) as Exclude<PetitionStatus, 'none'>[]).map((status) => ({ type, status, ok: allowed[type].includes(status) })),
    );

    it.each(rows.filter((r) => !r.ok))('$type is refused in $status with PETITION.INVALID_STATE', ({ type, status }) => {
      spec.given(histories[status]).when(samples[type]).thenThrows('PETITION.INVALID_STATE', 'illegal_state');
    });

    it.each(rows.filter((r) => r.ok))('$type is not refused for its state in $status', ({ type, status }) => {
      let code: string | undefined;
      try {
        decider.decide(samples[type], fold(decider, histories[status]));
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(code).not.toBe('PETITION.INVALID_STATE');
    });

    it.each(Object.keys(samples) as (keyof typeof samples)[])('%s on an unregistered petition is PETITION.NOT_FOUND', (type) => {
      spec.given([]).when(samples[type]).thenThrows('PETITION.NOT_FOUND', 'not_found');
    });
  });

  describe('RegisterPetition', () => {
    it('refuses a second registration (conflict)', () => {
      spec.given(history.registered()).when(register()).thenThrows('PETITION.ALREADY_REGISTERED', 'conflict');
    });
    it('refuses a channel outside §17 (e.g. e-mail is "online" only through the official channel)', () => {
      spec
        .given([])
        .when(register({ channel: 'wechat' as never }))
        .thenThrows('PETITION.INVALID_CHANNEL', 'validation');
    });
    it('refuses a group visit with 6 representatives (§20)', () => {
      const ids = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
      const error = spec
        .given([])
        .when(register({ channel: 'visit', petitionerIds: ids, groupVisit: { visitorCount: 40, representativeIds: ids } }))
        .thenThrows('PETITION.TOO_MANY_REPRESENTATIVES', 'validation');
      expect(error.details).toEqual({ representatives: 6, max: 5 });
    });
    it('refuses group-visit data on a letter, representatives who are not petitioners, or a visitor count below them', () => {
      const ids = ['p1', 'p2'];
      spec
        .given([])
        .when(register({ channel: 'letter', petitionerIds: ids, groupVisit: { visitorCount: 5, representativeIds: ids } }))
        .thenThrows('PETITION.GROUP_VISIT_CHANNEL', 'validation');
      spec
        .given([])
        .when(register({ channel: 'visit', petitionerIds: ['p1'], groupVisit: { visitorCount: 5, representativeIds: ids } }))
        .thenThrows('PETITION.UNKNOWN_PETITIONER', 'validation');
      spec
        .given([])
        .when(register({ channel: 'visit', petitionerIds: ids, groupVisit: { visitorCount: 1, representativeIds: ['p1'] } }))
        .thenThrows('PETITION.INVALID_GROUP_VISIT', 'validation');
      spec
        .given([])
        .when(register({ channel: 'visit', petitionerIds: ids, groupVisit: { visitorCount: 10, representativeIds: [] } }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
    it('refuses an oral petition without a record (§19)', () => {
      spec
        .given([])
        .when(register({ form: 'oral' }))
        .thenThrows('PETITION.ORAL_RECORD_REQUIRED', 'validation');
    });
    it('refuses no petitioner, a duplicate petitioner, a blank summary or unit', () => {
      spec
        .given([])
        .when(register({ petitionerIds: [] }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given([])
        .when(register({ petitionerIds: ['a', 'a'] }))
        .thenThrows('PETITION.DUPLICATE_ENTRY', 'validation');
      spec
        .given([])
        .when(register({ summary: '' }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given([])
        .when(register({ receivingUnitId: ' ' }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given([])
        .when(register({ relatedMatter: { petitionId: '', relation: 'being_handled_here' } }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
    it('refuses a receipt time after the registration, or not an instant', () => {
      spec
        .given([])
        .when(register({ receivedAt: '2025-06-04T09:00:00+08:00' }))
        .thenThrows('PETITION.TIME_IN_FUTURE', 'validation');
      spec
        .given([])
        .when(register({ receivedAt: '2025-06-03' }))
        .thenThrows('CALENDAR.INVALID_INSTANT', 'validation');
    });
  });

  describe('routing', () => {
    it('refuses routing to the receiving unit itself', () => {
      spec
        .given(history.registered())
        .when(cmd<TransferPetition>('TransferPetition', { toUnitId: OFFICE, route: 'competent_body' }, meta(T.routed)))
        .thenThrows('PETITION.SAME_UNIT', 'validation');
      spec
        .given(history.registered())
        .when(cmd<AssignPetition>('AssignPetition', { toUnitId: OFFICE, reportWithin: 10 }, meta(T.routed)))
        .thenThrows('PETITION.SAME_UNIT', 'validation');
    });
    it('refuses an assignment without a positive whole report deadline, or without a unit', () => {
      for (const reportWithin of [0, -3, 2.5]) {
        spec
          .given(history.registered())
          .when(cmd<AssignPetition>('AssignPetition', { toUnitId: BUREAU, reportWithin }, meta(T.routed)))
          .thenThrows('PETITION.INVALID_REPORT_DEADLINE', 'validation');
      }
      spec
        .given(history.registered())
        .when(cmd<TransferPetition>('TransferPetition', { toUnitId: '', route: 'competent_body' }, meta(T.routed)))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
  });

  describe('objection', () => {
    const object = (now: string, reason?: string) => cmd<ObjectToRouting>('ObjectToRouting', {}, meta(now, reason !== undefined ? { reason } : {}));
    it('refuses an objection without detailed reasons (§23)', () => {
      spec.given(history.routed()).when(object('2025-06-09T10:00:00+08:00')).thenThrows('PETITION.REASON_REQUIRED', 'validation');
    });
    it('refuses a second objection to the same routing', () => {
      spec
        .given([...history.routed(), ev.objected()])
        .when(object('2025-06-10T10:00:00+08:00', '再次异议'))
        .thenThrows('PETITION.OBJECTION_ALREADY_RAISED', 'illegal_state');
    });
    it('refuses an objection on a 政法 transfer', () => {
      const transferred: PetitionEvent = {
        type: 'PetitionTransferred',
        data: { petitionId: PETITION_ID, toUnitId: 'court-1', route: 'political_legal', ...stamp(T.routed) },
        legalBasis: LB.routing,
      };
      spec
        .given([...history.registered(), transferred])
        .when(object('2025-06-09T10:00:00+08:00', 'x'))
        .thenThrows('PETITION.OBJECTION_NOT_APPLICABLE', 'illegal_state');
    });
    it('refuses a ruling when no objection is pending', () => {
      spec
        .given(history.routed())
        .when(cmd<RuleOnObjection>('RuleOnObjection', { agreed: true }, meta(T.accepted)))
        .thenThrows('PETITION.NO_PENDING_OBJECTION', 'illegal_state');
    });
    it('refuses NotifyAcceptance while the objection is pending', () => {
      spec
        .given([...history.routed(), ev.objected()])
        .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc' }, meta(T.accepted)))
        .thenThrows('PETITION.OBJECTION_PENDING', 'illegal_state');
    });
  });

  describe('acceptance', () => {
    it('a petition office must route before anyone notifies acceptance or redirects', () => {
      spec
        .given(history.registered())
        .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: 'doc' }, meta(T.accepted)))
        .thenThrows('PETITION.ROUTING_REQUIRED', 'illegal_state');
      spec
        .given(history.registered())
        .when(cmd<RedirectPetitioner>('RedirectPetitioner', { toldToApplyTo: 'x' }, meta(T.accepted)))
        .thenThrows('PETITION.ROUTING_REQUIRED', 'illegal_state');
    });
    it('refuses a notice without the written notice, a redirect without a destination, a repeat without the related petition', () => {
      spec
        .given(history.routed())
        .when(cmd<NotifyAcceptance>('NotifyAcceptance', { noticeRef: '' }, meta(T.accepted)))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      const direct = [ev.registered({ receivingUnitId: BUREAU, receiverKind: 'handling_body', routingDeadline: undefined }, 'x')];
      spec
        .given(direct)
        .when(cmd<RedirectPetitioner>('RedirectPetitioner', { toldToApplyTo: '' }, meta(T.accepted)))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given(history.routed())
        .when(cmd<RejectAsRepeat>('RejectAsRepeat', { relatedPetitionId: '' }, meta(T.accepted)))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
    it('StartHandling needs handlers', () => {
      spec
        .given(history.acceptanceNotified())
        .when(cmd<StartHandling>('StartHandling', { handlerIds: [] }, meta(T.handlingStarted)))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
  });

  describe('ExtendHandling (§34)', () => {
    const extend = (extendBy: number, opts: { approvedBy?: string; reason?: string } = {}) =>
      cmd<ExtendHandling>('ExtendHandling', { extendBy, approvedBy: opts.approvedBy ?? 'head-1' }, meta(T.extended, { reason: opts.reason ?? '情况复杂' }));
    it('refuses more than 30 days', () => {
      const error = spec.given(history.handling()).when(extend(31)).thenThrows('PETITION.EXTENSION_TOO_LONG', 'validation');
      expect(error.details).toEqual({ extendBy: 31, max: 30 });
    });
    it('allows a second extension while the total stays within 30 days (§34), and refuses one beyond', () => {
      const extended = decider.decide(extend(10), fold(decider, history.handling()));
      const error = spec
        .given([...history.handling(), ...extended])
        .when(extend(21))
        .thenThrows('PETITION.EXTENSION_TOO_LONG', 'validation');
      expect(error.details).toEqual({ extendBy: 21, max: 30, alreadyExtended: 10 });
      const { events, state } = spec
        .given([...history.handling(), ...extended])
        .when(extend(20))
        .thenMatch([{ type: 'HandlingExtended', data: { extendBy: 20 } }]);
      expect(events[0].data).toMatchObject({ handlingDeadline: { duration: 90 } });
      expect(state).toMatchObject({ extension: { extendBy: 30 } });
    });
    it('refuses a non-positive or fractional extension', () => {
      spec.given(history.handling()).when(extend(0)).thenThrows('PETITION.INVALID_EXTENSION', 'validation');
      spec.given(history.handling()).when(extend(2.5)).thenThrows('PETITION.INVALID_EXTENSION', 'validation');
    });
    it('refuses an extension without the approving head or without the reason told to the petitioner', () => {
      spec
        .given(history.handling())
        .when(extend(10, { approvedBy: '' }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given(history.handling())
        .when(cmd<ExtendHandling>('ExtendHandling', { extendBy: 10, approvedBy: 'head-1' }, meta(T.extended)))
        .thenThrows('PETITION.REASON_REQUIRED', 'validation');
    });
  });

  describe('hearings', () => {
    const during = [...history.handling(), ev.hearingStarted('handling', '2025-07-01T09:00:00+08:00')];
    it('refuses a second hearing while one is open', () => {
      spec
        .given(during)
        .when(cmd<StartHearing>('StartHearing', { hearingId: 'hearing-2' }, meta('2025-07-01T10:00:00+08:00')))
        .thenThrows('PETITION.HEARING_IN_PROGRESS', 'illegal_state');
    });
    it('refuses an opinion while a hearing is open', () => {
      spec.given(during).when(opinion()).thenThrows('PETITION.HEARING_IN_PROGRESS', 'illegal_state');
    });
    it('refuses a re-review decision while a hearing is open', () => {
      spec
        .given([...history.reReviewing(), ev.hearingStarted('re_review', '2025-09-25T09:00:00+08:00')])
        .when(
          cmd<DecideReReview>('DecideReReview', { outcome: 'upheld', reasons: 'r', documentRef: 'd', publicised: false }, meta('2025-09-26T09:00:00+08:00')),
        )
        .thenThrows('PETITION.HEARING_IN_PROGRESS', 'illegal_state');
    });
    it('refuses ending a hearing that is not open, or without its record', () => {
      spec
        .given(history.handling())
        .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-1', recordRef: 'r' }, meta('2025-07-01T10:00:00+08:00')))
        .thenThrows('PETITION.NO_HEARING_IN_PROGRESS', 'illegal_state');
      spec
        .given(during)
        .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-9', recordRef: 'r' }, meta('2025-07-01T10:00:00+08:00')))
        .thenThrows('PETITION.NO_HEARING_IN_PROGRESS', 'illegal_state');
      spec
        .given(during)
        .when(cmd<EndHearing>('EndHearing', { hearingId: 'hearing-1', recordRef: '' }, meta('2025-07-01T10:00:00+08:00')))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given(history.handling())
        .when(cmd<StartHearing>('StartHearing', { hearingId: '' }, meta('2025-07-01T10:00:00+08:00')))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
  });

  it('RecordSettlement refuses no consenting party or no agreement document', () => {
    const settle = (ids: string[], documentRef = 'doc') =>
      cmd<RecordSettlement>('RecordSettlement', { kind: 'mediation_agreement', consentingPartyIds: ids, documentRef }, meta(T.opinion));
    spec.given(history.handling()).when(settle([])).thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    spec
      .given(history.handling())
      .when(settle(['a'], ''))
      .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
  });

  describe('IssueOpinion (§32)', () => {
    it('refuses an opinion that does not state the request, facts and reasons, and legal basis', () => {
      const error = spec
        .given(history.handling())
        .when(opinion({ factsAndReasons: ' ', legalBasisCited: '' }))
        .thenThrows('PETITION.OPINION_INCOMPLETE', 'validation');
      expect(error.details).toEqual({ missing: ['factsAndReasons', 'legalBasisCited'] });
    });
    it('refuses an outcome other than support / explain / not support, or no document', () => {
      spec
        .given(history.handling())
        .when(opinion({ outcome: 'partly' as never }))
        .thenThrows('PETITION.INVALID_OUTCOME', 'validation');
      spec
        .given(history.handling())
        .when(opinion({ documentRef: '' }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
  });

  it('DeliverOpinion refuses a receipt before the opinion or in the future', () => {
    const deliver = (receivedAt: string) => cmd<DeliverOpinion>('DeliverOpinion', { receivedAt, method: 'post' }, meta(T.delivered));
    spec.given(history.opinionIssued()).when(deliver('2025-07-29T10:00:00+08:00')).thenThrows('PETITION.TIME_BEFORE_PREVIOUS_STEP', 'validation');
    spec.given(history.opinionIssued()).when(deliver('2025-08-02T10:00:00+08:00')).thenThrows('PETITION.TIME_IN_FUTURE', 'validation');
  });

  describe('ClosePetition', () => {
    it('refuses to close while the review window is open', () => {
      spec
        .given(history.delivered())
        .when(cmd<ClosePetition>('ClosePetition', {}, meta('2025-09-01T23:00:00+08:00')))
        .thenThrows('PETITION.REVIEW_WINDOW_OPEN', 'illegal_state');
    });
    it('refuses to close after a review before the review opinion was delivered, or inside the re-review window', () => {
      spec
        .given(history.reviewDecided())
        .when(cmd<ClosePetition>('ClosePetition', {}, meta('2025-12-01T09:00:00+08:00')))
        .thenThrows('PETITION.REVIEW_DECISION_NOT_DELIVERED', 'illegal_state');
      spec
        .given(history.reviewDelivered())
        .when(cmd<ClosePetition>('ClosePetition', {}, meta('2025-10-13T23:59:59+08:00')))
        .thenThrows('PETITION.RE_REVIEW_WINDOW_OPEN', 'illegal_state');
    });
  });

  describe('review and re-review requests', () => {
    it('refuses a review by the body that handled the matter, or with no body', () => {
      spec
        .given(history.delivered())
        .when(cmd<RequestReview>('RequestReview', { requestedAt: T.reviewRequested, reviewingUnitId: BUREAU }, meta(T.reviewRequested)))
        .thenThrows('PETITION.SAME_UNIT', 'validation');
      spec
        .given(history.delivered())
        .when(cmd<RequestReview>('RequestReview', { requestedAt: T.reviewRequested, reviewingUnitId: '' }, meta(T.reviewRequested)))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    });
    it('refuses a review request dated before the opinion was received', () => {
      spec
        .given(history.delivered())
        .when(cmd<RequestReview>('RequestReview', { requestedAt: '2025-07-31T10:00:00+08:00', reviewingUnitId: CITY }, meta(T.reviewRequested)))
        .thenThrows('PETITION.TIME_BEFORE_PREVIOUS_STEP', 'validation');
    });
    it('refuses a re-review before the review opinion was delivered, or by the reviewing body', () => {
      spec
        .given(history.reviewDecided())
        .when(cmd<RequestReReview>('RequestReReview', { requestedAt: T.reReviewRequested, reReviewingUnitId: PROVINCE }, meta(T.reReviewRequested)))
        .thenThrows('PETITION.REVIEW_DECISION_NOT_DELIVERED', 'illegal_state');
      spec
        .given(history.reviewDelivered())
        .when(cmd<RequestReReview>('RequestReReview', { requestedAt: T.reReviewRequested, reReviewingUnitId: CITY }, meta(T.reReviewRequested)))
        .thenThrows('PETITION.SAME_UNIT', 'validation');
    });
    it('refuses delivering the review opinion twice, or before it was decided', () => {
      spec
        .given(history.reviewDelivered())
        .when(cmd<DeliverReviewDecision>('DeliverReviewDecision', { receivedAt: T.reviewDelivered }, meta(T.reviewDelivered)))
        .thenThrows('PETITION.ALREADY_DELIVERED', 'illegal_state');
      spec
        .given(history.reviewDecided())
        .when(cmd<DeliverReviewDecision>('DeliverReviewDecision', { receivedAt: '2025-09-09T10:00:00+08:00' }, meta(T.reviewDelivered)))
        .thenThrows('PETITION.TIME_BEFORE_PREVIOUS_STEP', 'validation');
    });
  });

  describe('review decisions', () => {
    const decide = (data: Partial<DecideReview['data']>) =>
      cmd<DecideReview>('DecideReview', { outcome: 'upheld', reasons: 'r', documentRef: 'd', ...data }, meta(T.reviewDecided));
    it('refuses a revision without the new opinion, an uphold with one, an unknown outcome', () => {
      spec
        .given(history.reviewing())
        .when(decide({ outcome: 'revised' }))
        .thenThrows('PETITION.INVALID_DECISION', 'validation');
      spec
        .given(history.reviewing())
        .when(decide({ revisedOutcome: 'support' }))
        .thenThrows('PETITION.INVALID_DECISION', 'validation');
      spec
        .given(history.reviewing())
        .when(decide({ outcome: 'quashed' as never }))
        .thenThrows('PETITION.INVALID_DECISION', 'validation');
    });
    it('refuses a decision without reasons or document', () => {
      spec
        .given(history.reviewing())
        .when(decide({ reasons: '' }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given(history.reviewing())
        .when(decide({ documentRef: '' }))
        .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
      spec
        .given(history.reReviewing())
        .when(cmd<DecideReReview>('DecideReReview', { outcome: 'revised', reasons: 'r', documentRef: 'd', publicised: false }, meta(T.reReviewDecided)))
        .thenThrows('PETITION.INVALID_DECISION', 'validation');
    });
  });

  it('SupervisePetition refuses no grounds, repeated grounds or no supervising unit', () => {
    const supervise = (data: Partial<SupervisePetition['data']>) =>
      cmd<SupervisePetition>('SupervisePetition', { supervisingUnitId: OFFICE, form: 'supervision', grounds: ['delay'], ...data }, meta(T.extended));
    spec
      .given(history.handling())
      .when(supervise({ grounds: [] }))
      .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
    spec
      .given(history.handling())
      .when(supervise({ grounds: ['delay', 'delay'] }))
      .thenThrows('PETITION.DUPLICATE_ENTRY', 'validation');
    spec
      .given(history.handling())
      .when(supervise({ supervisingUnitId: '' }))
      .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
  });

  it('a rules configuration with a longer-than-whole or hour-based handling rule is refused', () => {
    expect(() => createPetitionDecider({ rules: { ...defaultPetitionRules, maxHandlingExtension: 0 }, calendar: CN_NATIONAL_CALENDAR })).toThrow(
      expect.objectContaining({ code: 'PETITION.INVALID_RULES' }),
    );
    expect(() =>
      createPetitionDecider({
        rules: { ...defaultPetitionRules, reReview: { ruleId: 'x', duration: 240, unit: 'working_hours' } },
        calendar: CN_NATIONAL_CALENDAR,
      }),
    ).toThrow(expect.objectContaining({ code: 'PETITION.INVALID_RULES' }));
  });
});

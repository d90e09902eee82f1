import { Deadline } from '@fengqiao/kernel';
import { PetitionDeadlineKind } from './petition.commands';
import { PetitionEvent } from './petition.events';
import { isWindowKind, reviseWindow, trackRevised } from './petition.revision';
import { PetitionState, RegisteredPetition, TrackedDeadline } from './petition.state';

/** evolve of the Petition: folds each event into the state; never throws. */

const track = (deadline: Deadline): TrackedDeadline => ({ deadline, warned: false, breached: false, excludedDays: 0 });

type Deadlines = RegisteredPetition['deadlines'];

function withDeadline(deadlines: Deadlines, kind: PetitionDeadlineKind, deadline: Deadline | undefined): Deadlines {
  if (deadline === undefined) {
    const { [kind]: _dropped, ...rest } = deadlines;
    return rest;
  }
  return { ...deadlines, [kind]: track(deadline) };
}

export function evolvePetition(state: PetitionState, event: PetitionEvent): PetitionState {
  if (state.status === 'none') {
    if (event.type !== 'PetitionRegistered') return state;
    const d = event.data;
    let deadlines: Deadlines = {};
    deadlines = withDeadline(deadlines, 'routing', d.routingDeadline);
    deadlines = withDeadline(deadlines, 'acceptance_notice', d.acceptanceNoticeDeadline);
    return {
      status: 'registered',
      petitionId: d.petitionId,
      channel: d.channel,
      form: d.form,
      receivedAt: d.receivedAt,
      registeredAt: d.occurredAt,
      receivingUnitId: d.receivingUnitId,
      receiverKind: d.receiverKind,
      petitionerIds: d.petitionerIds,
      summary: d.summary,
      ...(d.category !== undefined ? { category: d.category } : {}),
      flags: { supervised: false, repeat: d.relatedMatter !== undefined, groupVisit: d.groupVisit !== undefined },
      supervisions: 0,
      routings: 0,
      handlerIds: [],
      hearingsHeld: 0,
      settlements: 0,
      deadlines,
    };
  }
  const s = state;
  switch (event.type) {
    case 'PetitionRegistered':
      return s;
    case 'PetitionNotAccepted': {
      if (s.status !== 'registered' && s.status !== 'routed') return s;
      const d = event.data;
      return {
        ...s,
        status: 'not_accepted',
        flags: { ...s.flags, repeat: s.flags.repeat || d.grounds === 'repeat_to_higher_level' || d.grounds === 'same_facts_after_re_review' },
        notAccepted: {
          grounds: d.grounds,
          at: d.occurredAt,
          ...(d.relatedPetitionId !== undefined ? { relatedPetitionId: d.relatedPetitionId } : {}),
          ...(d.toldToApplyTo !== undefined ? { toldToApplyTo: d.toldToApplyTo } : {}),
        },
      };
    }
    case 'PetitionTransferred':
    case 'PetitionAssigned': {
      if (s.status !== 'registered') return s;
      const d = event.data;
      const assigned = event.type === 'PetitionAssigned';
      let deadlines = withDeadline(s.deadlines, 'acceptance_notice', d.acceptanceNoticeDeadline);
      deadlines = withDeadline(deadlines, 'assignment_report', event.type === 'PetitionAssigned' ? event.data.reportDeadline : undefined);
      return {
        ...s,
        status: 'routed',
        routings: s.routings + 1,
        routing: {
          kind: assigned ? 'assign' : 'transfer',
          route: event.type === 'PetitionTransferred' ? event.data.route : 'competent_body',
          toUnitId: d.toUnitId,
          routedAt: d.occurredAt,
          ...(d.objectionWindow !== undefined ? { objectionWindow: d.objectionWindow } : {}),
        },
        deadlines,
      };
    }
    case 'RoutingObjected':
      return s.status === 'routed' ? { ...s, routing: { ...s.routing, objection: { raisedAt: event.data.occurredAt, status: 'pending' } } } : s;
    case 'RoutingObjectionAgreed': {
      if (s.status !== 'routed') return s;
      const { routing: _returned, ...rest } = s;
      let deadlines = withDeadline(s.deadlines, 'acceptance_notice', undefined);
      deadlines = withDeadline(deadlines, 'assignment_report', undefined);
      return { ...rest, status: 'registered', deadlines };
    }
    case 'RoutingObjectionOverruled':
      return s.status === 'routed' && s.routing.objection !== undefined
        ? { ...s, routing: { ...s.routing, objection: { ...s.routing.objection, status: 'overruled' } } }
        : s;
    case 'AcceptanceNotified':
      return s.status === 'registered' || s.status === 'routed'
        ? {
            ...s,
            status: 'acceptance_notified',
            handlingUnitId: event.data.handlingUnitId,
            acceptedAt: event.data.occurredAt,
            deadlines: withDeadline(s.deadlines, 'handling', event.data.handlingDeadline),
          }
        : s;
    case 'HandlingStarted':
      return s.status === 'acceptance_notified' ? { ...s, status: 'handling', handlerIds: event.data.handlerIds } : s;
    case 'HandlingExtended':
      return {
        ...s,
        // the total extension so far (several extensions may be granted within §34's 30 days)
        extension: { extendBy: (s.extension?.extendBy ?? 0) + event.data.extendBy, approvedBy: event.data.approvedBy, at: event.data.occurredAt },
        deadlines: withDeadline(s.deadlines, 'handling', event.data.handlingDeadline),
      };
    case 'HearingStarted': {
      const hearing = { hearingId: event.data.hearingId, startedAt: event.data.occurredAt, stage: event.data.stage };
      const reReview = s.deadlines.re_review;
      if (event.data.stage !== 're_review' || reReview === undefined) return { ...s, hearing };
      return { ...s, hearing, deadlines: { ...s.deadlines, re_review: { ...reReview, pausedSince: event.data.occurredAt } } };
    }
    case 'HearingEnded': {
      const { hearing: _ended, ...rest } = s;
      const next = { ...rest, hearingsHeld: s.hearingsHeld + 1 };
      const reReview = s.deadlines.re_review;
      const { reReviewDeadline, excludedDays } = event.data;
      if (reReviewDeadline === undefined || reReview === undefined) return next;
      return {
        ...next,
        deadlines: {
          ...s.deadlines,
          re_review: { ...track(reReviewDeadline), excludedDays: reReview.excludedDays + (excludedDays ?? 0) },
        },
      };
    }
    case 'SettlementRecorded':
      return { ...s, settlements: s.settlements + 1 };
    case 'OpinionIssued':
      return s.status === 'handling'
        ? {
            ...s,
            status: 'opinion_issued',
            opinion: { outcome: event.data.outcome, issuedAt: event.data.occurredAt, documentRef: event.data.documentRef },
          }
        : s;
    case 'OpinionDelivered':
      return s.status === 'opinion_issued'
        ? {
            ...s,
            status: 'delivered',
            delivery: { receivedAt: event.data.receivedAt, method: event.data.method },
            reviewRequestWindow: event.data.reviewRequestWindow,
          }
        : s;
    case 'PetitionClosed':
      return s.status === 'delivered' || s.status === 'review_decided'
        ? { ...s, status: 'closed', closedAt: event.data.occurredAt, closedAfter: event.data.after }
        : s;
    case 'ReviewRequested':
      return s.status === 'delivered'
        ? {
            ...s,
            status: 'review_requested',
            review: { requestedAt: event.data.requestedAt, unitId: event.data.reviewingUnitId },
            deadlines: withDeadline(s.deadlines, 'review', event.data.reviewDeadline),
          }
        : s;
    case 'ReviewStarted':
      return s.status === 'review_requested' ? { ...s, status: 'reviewing' } : s;
    case 'ReviewDecided': {
      if (s.status !== 'reviewing') return s;
      const { petitionId: _p, actor: _a, occurredAt, reason: _r, ...decision } = event.data;
      return { ...s, status: 'review_decided', review: { ...s.review, decision: { ...decision, decidedAt: occurredAt } } };
    }
    case 'ReviewDecisionDelivered':
      return s.status === 'review_decided'
        ? {
            ...s,
            review: { ...s.review, decisionReceivedAt: event.data.receivedAt, nextWindow: event.data.reReviewRequestWindow },
          }
        : s;
    case 'ReReviewRequested':
      return s.status === 'review_decided'
        ? {
            ...s,
            status: 're_review_requested',
            reReview: { requestedAt: event.data.requestedAt, unitId: event.data.reReviewingUnitId },
            deadlines: withDeadline(s.deadlines, 're_review', event.data.reReviewDeadline),
          }
        : s;
    case 'ReReviewStarted':
      return s.status === 're_review_requested' ? { ...s, status: 're_reviewing' } : s;
    case 'ReReviewDecided': {
      if (s.status !== 're_reviewing') return s;
      const { petitionId: _p, actor: _a, occurredAt, reason: _r, publicised: _pub, ...decision } = event.data;
      return {
        ...s,
        status: 'terminated',
        terminatedAt: occurredAt,
        reReview: { ...s.reReview, decision: { ...decision, decidedAt: occurredAt } },
      };
    }
    case 'PetitionSupervised':
      return { ...s, flags: { ...s.flags, supervised: true }, supervisions: s.supervisions + 1 };
    case 'DeadlineWarned':
    case 'DeadlineBreached': {
      const tracked = s.deadlines[event.data.kind];
      if (tracked === undefined || tracked.deadline.dueAt !== event.data.deadline.dueAt) return s;
      const updated = event.type === 'DeadlineWarned' ? { ...tracked, warned: true } : { ...tracked, breached: true };
      return { ...s, deadlines: { ...s.deadlines, [event.data.kind]: updated } };
    }
    case 'DeadlineRevised': {
      if (isWindowKind(event.data.kind)) return reviseWindow(s, event.data.kind, event.data.deadline);
      const tracked = s.deadlines[event.data.kind];
      if (tracked === undefined) return s;
      return { ...s, deadlines: { ...s.deadlines, [event.data.kind]: trackRevised(tracked, event.data.deadline, event.data.occurredAt) } };
    }
    default: {
      // Compile-time exhaustiveness (a new event type must be handled above). At run time an
      // unknown event leaves the state unchanged, because evolve never throws.
      const unknown: never = event;
      void unknown;
      return s;
    }
  }
}

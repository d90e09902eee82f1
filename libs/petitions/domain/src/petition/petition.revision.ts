import { Deadline, isBreached, reviseDeadline, WorkingCalendar } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { PetitionDeadlineKind, PetitionWindowKind } from './petition.commands';
import { PetitionDeadlineRevised, RevisedFrom } from './petition.events';
import { PetitionState, RegisteredPetition, TrackedDeadline } from './petition.state';

/**
 * ReviseDeadline (a calendar notice loaded, or a provisional year replaced by the official one):
 * every running deadline of the petition that has not breached and is not paused by a hearing is
 * recomputed from its own rule and start on the calendar the decider now holds; one
 * `DeadlineRevised` per deadline whose dates (or provisional status) change, none when nothing
 * changes, so a second revision on the same calendar appends nothing. A closed, terminated or
 * not-accepted petition keeps what it had (its running deadlines are gone). `isRunning` is the
 * decider's own rule of which deadline runs in which status.
 */
export function revisePetitionDeadlines(
  state: PetitionState,
  calendar: WorkingCalendar,
  stamp: AuditStamp,
  isRunning: (kind: PetitionDeadlineKind, s: Exclude<PetitionState, { status: 'none' }>) => boolean,
): PetitionDeadlineRevised[] {
  if (state.status === 'none') return [];
  const events: PetitionDeadlineRevised[] = [];
  const revise = (kind: PetitionDeadlineKind | PetitionWindowKind, previous: Deadline) => {
    const next = reviseDeadline(previous, calendar);
    if (next === null) return;
    events.push({
      type: 'DeadlineRevised',
      data: { petitionId: state.petitionId, kind, previous: revisedFrom(previous), deadline: next, ...stamp },
      ...(next.legalBasis !== undefined ? { legalBasis: next.legalBasis } : {}),
    });
  };
  for (const [kind, tracked] of Object.entries(state.deadlines) as [PetitionDeadlineKind, TrackedDeadline][]) {
    if (!isRunning(kind, state) || tracked.breached || tracked.pausedSince !== undefined) continue;
    revise(kind, tracked.deadline);
  }
  for (const [kind, window] of openWindows(state)) {
    if (!isBreached(window, stamp.occurredAt)) revise(kind, window);
  }
  return events;
}

/**
 * The petitioner's windows still open to them in a status: the objection window while a routing
 * has no objection yet, the review request window after delivery, the re-review request window
 * after the review decision reached the petitioner. A window that had already run out when the
 * notice is loaded stays as it was (the step it allowed is closed; a later notice does not reopen it).
 */
export function openWindows(s: RegisteredPetition): [PetitionWindowKind, Deadline][] {
  switch (s.status) {
    case 'routed':
      return s.routing.objectionWindow !== undefined && s.routing.objection === undefined ? [['objection_window', s.routing.objectionWindow]] : [];
    case 'delivered':
      return [['review_request_window', s.reviewRequestWindow]];
    case 'review_decided':
      return s.review.nextWindow !== undefined ? [['re_review_request_window', s.review.nextWindow]] : [];
    default:
      return [];
  }
}

/** evolve of DeadlineRevised for a petitioner's window (the clocks go through `trackRevised`). */
export function reviseWindow<S extends RegisteredPetition>(s: S, kind: PetitionWindowKind, deadline: Deadline): S {
  switch (kind) {
    case 'objection_window':
      return s.routing === undefined ? s : { ...s, routing: { ...s.routing, objectionWindow: deadline } };
    case 'review_request_window':
      return s.reviewRequestWindow === undefined ? s : { ...s, reviewRequestWindow: deadline };
    case 're_review_request_window':
      return s.review === undefined ? s : { ...s, review: { ...s.review, nextWindow: deadline } };
    default: {
      const unknown: never = kind;
      void unknown;
      return s;
    }
  }
}

const WINDOW_KINDS: readonly string[] = ['objection_window', 'review_request_window', 're_review_request_window'];
export function isWindowKind(kind: PetitionDeadlineKind | PetitionWindowKind): kind is PetitionWindowKind {
  return WINDOW_KINDS.includes(kind);
}

export function revisedFrom(d: Deadline): RevisedFrom {
  return {
    dueAt: d.dueAt,
    ...(d.warnAt !== undefined ? { warnAt: d.warnAt } : {}),
    ...(d.lastDay !== undefined ? { lastDay: d.lastDay } : {}),
    calendarVersion: d.calendarVersion,
    ...(d.provisional ? { provisional: true as const } : {}),
  };
}

/** evolve of DeadlineRevised: the new deadline replaces the old; a warning already given stays given only if the new one is not later. */
export function trackRevised(tracked: TrackedDeadline, deadline: Deadline, at: string): TrackedDeadline {
  const warnedStill = tracked.warned && (deadline.warnAt === undefined || Date.parse(deadline.warnAt) <= Date.parse(at));
  return { ...tracked, deadline, warned: warnedStill };
}

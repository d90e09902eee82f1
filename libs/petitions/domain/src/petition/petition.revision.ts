import { Deadline, reviseDeadline, WorkingCalendar } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { PetitionDeadlineKind } from './petition.commands';
import { PetitionDeadlineRevised, RevisedFrom } from './petition.events';
import { PetitionState, TrackedDeadline } from './petition.state';

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
  for (const [kind, tracked] of Object.entries(state.deadlines) as [PetitionDeadlineKind, TrackedDeadline][]) {
    if (!isRunning(kind, state) || tracked.breached || tracked.pausedSince !== undefined) continue;
    const next = reviseDeadline(tracked.deadline, calendar);
    if (next === null) continue;
    events.push({
      type: 'DeadlineRevised',
      data: { petitionId: state.petitionId, kind, previous: revisedFrom(tracked.deadline), deadline: next, ...stamp },
      ...(next.legalBasis !== undefined ? { legalBasis: next.legalBasis } : {}),
    });
  }
  return events;
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

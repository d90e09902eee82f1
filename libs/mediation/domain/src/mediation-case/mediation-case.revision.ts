import { Deadline, reviseDeadline, WorkingCalendar } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { MediationDeadlineRevised, RevisableMediationDeadline, RevisedFrom } from './mediation-case.events';
import { MediationCaseState, TrackedDeadline } from './mediation-case.state';

const IN_MEDIATION: readonly string[] = ['accepted', 'mediator_assigned', 'mediating'];
/** The judicial-confirmation window is open while no application was filed and the case is not closed. */
const WINDOW_OPEN: readonly string[] = ['agreement_reached', 'performing'];

/**
 * ReviseDeadline (a calendar notice loaded): the running mediation-duration deadline (not breached)
 * and the open §33 judicial-confirmation window are recomputed from their own rule and start on
 * the calendar the decider now holds; one `DeadlineRevised` per deadline whose dates or
 * provisional status change, none otherwise (a second revision on the same calendar is a no-op).
 * Closed and archived cases keep what they had.
 */
export function reviseMediationDeadlines(state: MediationCaseState, calendar: WorkingCalendar, stamp: AuditStamp): MediationDeadlineRevised[] {
  if (state.status === 'none') return [];
  const events: MediationDeadlineRevised[] = [];
  const revise = (kind: RevisableMediationDeadline, previous: Deadline) => {
    const next = reviseDeadline(previous, calendar);
    if (next === null) return;
    events.push({
      type: 'DeadlineRevised',
      data: { caseId: state.caseId, kind, previous: revisedFrom(previous), deadline: next, ...stamp },
      ...(next.legalBasis !== undefined ? { legalBasis: next.legalBasis } : {}),
    });
  };
  const tracked = state.mediationDeadline;
  if (IN_MEDIATION.includes(state.status) && tracked !== undefined && !tracked.breached) revise('mediation_duration', tracked.deadline);
  const window = state.agreement?.judicialConfirmationWindow;
  if (WINDOW_OPEN.includes(state.status) && window !== undefined && state.judicialConfirmation === undefined) {
    revise('judicial_confirmation_window', window);
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

/** evolve of DeadlineRevised. */
export function evolveRevised<S extends Exclude<MediationCaseState, { status: 'none' }>>(s: S, event: MediationDeadlineRevised): S {
  const { kind, deadline, occurredAt } = event.data;
  if (kind === 'mediation_duration') {
    const tracked: TrackedDeadline | undefined = s.mediationDeadline;
    if (tracked === undefined) return s;
    const warned = tracked.warned && (deadline.warnAt === undefined || Date.parse(deadline.warnAt) <= Date.parse(occurredAt));
    return { ...s, mediationDeadline: { ...tracked, deadline, warned } };
  }
  if (s.agreement === undefined) return s;
  return { ...s, agreement: { ...s.agreement, judicialConfirmationWindow: deadline } };
}

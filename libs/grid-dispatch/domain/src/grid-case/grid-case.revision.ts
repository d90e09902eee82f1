import { Deadline, reviseDeadline, WorkingCalendar } from '@fengqiao/kernel';
import { DeadlineRevised, GridCaseEventBase, GridCaseState, RevisedFrom, WorkOrder } from './grid-case.types';

/** Statuses whose running timer a calendar change revises; a closed case keeps what it had. */
const REVISABLE = ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'feedback_submitted', 'verified'];

/**
 * ReviseDeadline (a calendar notice loaded): the running timer, if it has not breached, is
 * recomputed from its own rule and start on the calendar the decider now holds. One
 * `DeadlineRevised` (old and new due, both calendar versions, the basis on the envelope) when its
 * dates or provisional status change; nothing otherwise, so a second revision is a no-op.
 */
export function reviseWorkOrderDeadline(state: GridCaseState, calendar: WorkingCalendar, base: GridCaseEventBase): DeadlineRevised[] {
  if (state.status === 'none' || !REVISABLE.includes(state.status)) return [];
  const t = state.order.timer;
  if (!t || t.breached) return [];
  const next = reviseDeadline(t.deadline, calendar);
  if (next === null) return [];
  return [
    {
      type: 'DeadlineRevised',
      data: { ...base, timerId: t.timerId, step: t.step, previous: revisedFrom(t.deadline), deadline: next },
      ...(next.legalBasis !== undefined ? { legalBasis: next.legalBasis } : {}),
    },
  ];
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

/** evolve of DeadlineRevised: the running timer gets the new deadline; a warning stays given only if the new one is not later. */
export function orderWithRevised(o: WorkOrder, event: DeadlineRevised): WorkOrder {
  const t = o.timer;
  if (!t || t.timerId !== event.data.timerId) return o;
  const { deadline, at } = event.data;
  const warned = t.warned && (deadline.warnAt === undefined || Date.parse(deadline.warnAt) <= Date.parse(at));
  return { ...o, timer: { ...t, deadline, warned } };
}

import { ReviseDeadline } from '@fengqiao/grid-dispatch-domain';
import { Actor, Clock, deterministicEventId } from '@fengqiao/kernel';
import { CalendarCatalog, calendarConsumer, ContextConsumer, DeadlineRevisionTarget, RevisionOutcome } from '@fengqiao/platform';
import { ReadStore } from '@fengqiao/read-store';
import { GRID_CASE_VIEW, GridCaseView } from '../read-models/grid-case-view.projection';
import { WorkOrderHandler } from '../work-orders/work-order.handler';

/** The actor of deadline revisions. */
export const CALENDAR_REVISION_ACTOR: Actor = { userId: 'grid-dispatch.calendar-revision', role: 'system', unitId: 'system' };

/** Statuses whose running timer a calendar change may move (closed cases keep what they had). */
const REVISABLE = ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'feedback_submitted', 'verified'];

/**
 * Grid-dispatch's side of the calendar revision: the open work orders with a running, not yet
 * breached timer (from the case view), each sent `ReviseDeadline` through the work-order handler,
 * whose decider takes the calendar from the catalog. Event ids derive from case, calendar version
 * and position, so a repeat appends nothing; the case view (and so the scheduler, which reads
 * `nextTimerAtMs` from it) follows the new due date.
 */
export function workOrderRevisionTarget(readStore: ReadStore, workOrders: WorkOrderHandler, clock: Clock): DeadlineRevisionTarget {
  return {
    context: 'grid-dispatch',
    async openCaseIds() {
      const docs = await readStore.find<GridCaseView>(
        GRID_CASE_VIEW,
        { status: { $in: REVISABLE }, 'timer.breached': false },
        { sort: { caseId: 1 }, projection: { caseId: 1 } },
      );
      return docs.map((d) => d.caseId);
    },
    async revise(caseId, notice, calendarVersion) {
      const now = clock.now();
      const command: ReviseDeadline = {
        type: 'ReviseDeadline',
        data: { caseId, notice },
        meta: { actor: CALENDAR_REVISION_ACTOR, now: now.toISOString(), correlationId: `calendar:${calendarVersion}:${caseId}` },
      };
      const res = await workOrders.execute(command, { eventId: (i) => deterministicEventId(`${caseId}/revise/${calendarVersion}/${i}`, now.getTime()) });
      return res.appended.length;
    },
  };
}

/** The consumer grid-dispatch adds to its runtime: calendars kept current, open work orders revised. */
export function workOrderCalendarConsumer(parts: {
  catalog: CalendarCatalog;
  readStore: () => ReadStore;
  target: () => DeadlineRevisionTarget | undefined;
  onRevised?: (outcome: RevisionOutcome) => void;
}): ContextConsumer {
  return calendarConsumer({ catalog: parts.catalog, store: parts.readStore, target: parts.target, ...(parts.onRevised ? { onRevised: parts.onRevised } : {}) });
}

import { Inject, Injectable } from '@nestjs/common';
import { IntegrationEvent } from '@fengqiao/contracts';
import { ReviseDeadline } from '@fengqiao/grid-dispatch-domain';
import { Actor, Clock, deterministicEventId } from '@fengqiao/kernel';
import { calendarConsumer, ContextConsumer, ContextRuntime, DeadlineRevisionTarget, runtimeToken } from '@fengqiao/platform';
import { ReadStore } from '@fengqiao/read-store';
import { GridCases } from '../application/grid-cases';
import { CONTEXT_NAME } from '../application/grid-dispatch.tokens';
import { GRID_CASE_VIEW, GridCaseView } from '../read-models/grid-case-view.projection';
import { ReferenceTables } from '../reference-data/reference-tables';

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
export function workOrderRevisionTarget(readStore: ReadStore, workOrders: Pick<GridCases, 'execute'>, clock: Clock): DeadlineRevisionTarget {
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
      const res = await workOrders.execute(caseId, command, {
        eventId: (i: number) => deterministicEventId(`${caseId}/revise/${calendarVersion}/${i}`, now.getTime()),
      });
      return res.events.length;
    },
  };
}

/** The consumer grid-dispatch adds to its runtime: calendars kept current, open work orders revised. */
@Injectable()
export class OnCalendarNoticeConsumer implements ContextConsumer {
  private readonly inner: ContextConsumer;

  constructor(
    @Inject(runtimeToken(CONTEXT_NAME)) runtime: ContextRuntime,
    @Inject(ReferenceTables) tables: ReferenceTables,
    @Inject(GridCases) cases: GridCases,
  ) {
    this.inner = calendarConsumer({
      catalog: tables.calendars,
      store: () => runtime.infra.readStore,
      target: () => workOrderRevisionTarget(runtime.infra.readStore, cases, cases.clock),
    });
  }

  get purpose(): string {
    return this.inner.purpose;
  }

  get topics(): readonly string[] {
    return this.inner.topics;
  }

  handle(event: IntegrationEvent, runtime: ContextRuntime): Promise<void> {
    return this.inner.handle(event, runtime);
  }
}

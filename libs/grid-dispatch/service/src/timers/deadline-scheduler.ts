import { BreachDeadline, WarnDeadline } from '@fengqiao/grid-dispatch-domain';
import { Actor, Clock, deterministicEventId } from '@fengqiao/kernel';
import { DeadlineScheduler, DeadlineTimerSource, DueScope, DueTimer, dueTimersOf } from '@fengqiao/platform';
import { ReadStore } from '@fengqiao/read-store';
import { GridCases } from '../application/grid-cases';
import { GRID_CASE_VIEW, GridCaseView } from '../read-models/grid-case-view.projection';

/** The actor of deadline warnings and breaches. */
export const SCHEDULER_ACTOR: Actor = { userId: 'grid-dispatch.scheduler', role: 'system', unitId: 'system' };

/**
 * Grid-dispatch's timers for the shared scheduler (libs/platform): the work orders whose next timer
 * action is due (`nextTimerAtMs <= now`: the warning, then the breach; `dueTimersOf`) from the case view, fired
 * as WarnDeadline / BreachDeadline by the `system` actor through the case runner; the decider
 * appends DeadlineWarned, or DeadlineBreached + Escalated (village → town → district).
 */
export class WorkOrderTimers implements DeadlineTimerSource {
  constructor(
    private readonly readStore: ReadStore,
    private readonly cases: Pick<GridCases, 'execute'>,
  ) {}

  due(nowMs: number, page: { limit: number; skip: number }, scope: DueScope): Promise<DueTimer[]> {
    const query = { store: this.readStore, collection: GRID_CASE_VIEW, nowMs, page, scope, fields: ['caseId', 'timer'] };
    return dueTimersOf<GridCaseView>(query, ({ caseId, timer: t }) =>
      t && !t.breached ? [{ caseId, timerId: t.timerId, dueAtMs: t.dueAtMs, warnAtMs: t.warnAtMs, warned: t.warned }] : [],
    );
  }

  async fire(timer: DueTimer, now: Date): Promise<number> {
    const breach = timer.action === 'breach';
    const command: WarnDeadline | BreachDeadline = {
      type: breach ? 'BreachDeadline' : 'WarnDeadline',
      data: { caseId: timer.caseId, timerId: timer.timerId },
      meta: { actor: SCHEDULER_ACTOR, now: now.toISOString(), correlationId: `deadline:${timer.caseId}:${timer.timerId}` },
    };
    const res = await this.cases.execute(timer.caseId, command, {
      eventId: (i) => deterministicEventId(`${timer.caseId}/${timer.timerId}/${timer.action}/${i}`, timer.atMs),
    });
    return res.events.length;
  }
}

/** The shared scheduler over grid-dispatch's work-order timers. */
export function workOrderScheduler(readStore: ReadStore, cases: Pick<GridCases, 'execute'>, clock: Clock, intervalMs: number): DeadlineScheduler {
  return new DeadlineScheduler(new WorkOrderTimers(readStore, cases), { name: 'grid-dispatch.scheduler', clock, intervalMs });
}

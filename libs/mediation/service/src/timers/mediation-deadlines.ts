import { Actor, Clock, deterministicEventId } from '@fengqiao/kernel';
import { BreachMediationDeadline, MediationCaseState, MediationCommand, MediationEvent, WarnMediationDeadline } from '@fengqiao/mediation-domain';
import { CaseCommandRunner, DeadlineScheduler, DeadlineTimerSource, DueScope, DueTimer, dueTimersOf } from '@fengqiao/platform';
import { ReadStore } from '@fengqiao/read-store';
import { MEDIATION_CASE_VIEW, MediationCaseView } from '../case-view/mediation-case.view';

/** The actor of mediation-deadline warnings and breaches. */
export const MEDIATION_SCHEDULER_ACTOR: Actor = { userId: 'mediation.scheduler', role: 'system', unitId: 'system' };

/**
 * Mediation's timers for the shared scheduler (libs/platform): the mediation-duration deadline of
 * every case in mediation (accepted → mediator assigned → mediating), from the desk view's
 * `nextTimerAtMs` (the warning, then the breach), fired as WarnDeadline / BreachDeadline by the
 * `system` actor through the one command path; the decider appends DeadlineWarned /
 * DeadlineBreached, which are published for the board.
 */
export class MediationDeadlineTimers implements DeadlineTimerSource {
  constructor(
    private readonly readStore: ReadStore,
    private readonly runner: CaseCommandRunner<MediationCaseState, MediationCommand, MediationEvent>,
  ) {}

  due(nowMs: number, page: { limit: number; skip: number }, scope: DueScope): Promise<DueTimer[]> {
    const query = { store: this.readStore, collection: MEDIATION_CASE_VIEW, nowMs, page, scope, fields: ['caseId', 'state'] };
    return dueTimersOf<MediationCaseView>(query, ({ caseId, state }) => {
      const tracked = state.status === 'none' ? undefined : state.mediationDeadline;
      if (!tracked || tracked.breached) return [];
      const { dueAt, warnAt } = tracked.deadline;
      return [
        {
          caseId,
          timerId: `mediation_duration@${dueAt}`,
          dueAtMs: Date.parse(dueAt),
          warnAtMs: warnAt === undefined ? null : Date.parse(warnAt),
          warned: tracked.warned,
        },
      ];
    });
  }

  async fire(timer: DueTimer, now: Date): Promise<number> {
    const command: WarnMediationDeadline | BreachMediationDeadline = {
      type: timer.action === 'breach' ? 'BreachDeadline' : 'WarnDeadline',
      data: { deadline: 'mediation_duration' },
      meta: { actor: MEDIATION_SCHEDULER_ACTOR, now: now.toISOString(), correlationId: `deadline:${timer.caseId}:${timer.timerId}` },
    };
    const res = await this.runner.execute(timer.caseId, command, {
      eventId: (i) => deterministicEventId(`${timer.caseId}/${timer.timerId}/${timer.action}/${i}`, timer.atMs),
    });
    return res.events.length;
  }
}

export function mediationScheduler(
  readStore: ReadStore,
  runner: CaseCommandRunner<MediationCaseState, MediationCommand, MediationEvent>,
  clock: Clock,
  intervalMs: number,
): DeadlineScheduler {
  return new DeadlineScheduler(new MediationDeadlineTimers(readStore, runner), { name: 'mediation.scheduler', clock, intervalMs });
}

import { Actor, deterministicEventId } from '@fengqiao/kernel';
import { DeadlineTimerSource, DueScope, DueTimer, dueTimersOf } from '@fengqiao/platform';
import { BreachPetitionDeadline, PetitionDeadlineKind, WarnPetitionDeadline } from '@fengqiao/petitions-domain';
import { ReadStore } from '@fengqiao/read-store';
import type { PetitionRunner } from '../petitions.context';
import { PETITION_VIEW, PetitionView } from '../read-models/petition-view';

/** The actor of deadline warnings and breaches. */
export const PETITION_SCHEDULER_ACTOR: Actor = { userId: 'petitions.scheduler', role: 'system', unitId: 'system' };

/**
 * Petitions' timers for the shared scheduler (libs/platform): the petitions whose next clock action
 * is due (`nextTimerAtMs <= now`) from the petition view, fired as WarnDeadline / BreachDeadline by
 * the `system` actor through the petition command runner; the decider records DeadlineWarned /
 * DeadlineBreached with the clock's rule id and legal basis. Event ids come from petition × clock ×
 * action × due instant, so a second replica or a repeated tick appends nothing twice.
 */
export class PetitionTimers implements DeadlineTimerSource {
  constructor(
    private readonly readStore: ReadStore,
    private readonly runner: PetitionRunner,
  ) {}

  due(nowMs: number, page: { limit: number; skip: number }, scope: DueScope): Promise<DueTimer[]> {
    const query = { store: this.readStore, collection: PETITION_VIEW, nowMs, page, scope, fields: ['petitionId', 'clocks'] };
    return dueTimersOf<PetitionView>(query, ({ petitionId, clocks }) =>
      clocks
        .filter((c) => !c.breached && !c.paused)
        .map((c) => ({ caseId: petitionId, timerId: `${c.kind}@${c.dueAt}`, dueAtMs: c.dueAtMs, warnAtMs: c.warnAtMs, warned: c.warned })),
    );
  }

  async fire(timer: DueTimer, now: Date): Promise<number> {
    const kind = timer.timerId.slice(0, timer.timerId.indexOf('@')) as PetitionDeadlineKind;
    const breach = timer.action === 'breach';
    const command: WarnPetitionDeadline | BreachPetitionDeadline = {
      type: breach ? 'BreachDeadline' : 'WarnDeadline',
      data: { deadline: kind },
      meta: { actor: PETITION_SCHEDULER_ACTOR, now: now.toISOString(), correlationId: `deadline:${timer.caseId}:${kind}` },
    };
    const result = await this.runner.execute(timer.caseId, command, {
      eventId: (i) => deterministicEventId(`${timer.caseId}/${timer.timerId}/${timer.action}/${i}`, timer.atMs),
    });
    return result.events.length;
  }
}

import { Actor, deterministicEventId } from '@fengqiao/kernel';
import { DeadlineTimerSource, DueScope, DueTimer, findDueViews } from '@fengqiao/platform';
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

  async due(nowMs: number, page: { limit: number; skip: number }, scope: DueScope): Promise<DueTimer[]> {
    const docs = await findDueViews<PetitionView>({
      store: this.readStore,
      collection: PETITION_VIEW,
      nowMs,
      page,
      scope,
      projection: { petitionId: 1, clocks: 1 },
    });
    const due: DueTimer[] = [];
    for (const doc of docs) {
      for (const c of doc.clocks) {
        if (c.breached || c.paused) continue;
        const timerId = `${c.kind}@${c.dueAt}`;
        if (c.dueAtMs <= nowMs) due.push({ caseId: doc.petitionId, timerId, action: 'breach', atMs: c.dueAtMs });
        else if (!c.warned && c.warnAtMs !== null && c.warnAtMs <= nowMs) due.push({ caseId: doc.petitionId, timerId, action: 'warn', atMs: c.warnAtMs });
      }
    }
    return due;
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

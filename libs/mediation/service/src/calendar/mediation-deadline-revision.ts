import { ReviseMediationDeadline } from '@fengqiao/mediation-domain';
import { Actor, Clock, deterministicEventId } from '@fengqiao/kernel';
import { calendarConsumer, ContextConsumer, DeadlineRevisionTarget } from '@fengqiao/platform';
import { ReadStore } from '@fengqiao/read-store';
import type { MediationCases } from '../application/mediation-cases';
import { MEDIATION_CASE_VIEW, MediationCaseView } from '../case-view/mediation-case.view';

/** The actor of deadline revisions. */
export const CALENDAR_REVISION_ACTOR: Actor = { userId: 'mediation.calendar-revision', role: 'system', unitId: 'system' };

/**
 * Statuses with a deadline a calendar change may move: the mediation-duration clock (accepted …
 * mediating) and the parties' §33 judicial-confirmation window (agreement reached, performing).
 * A wider list is harmless (the decider appends nothing for a case whose dates stay); closed,
 * terminated and archived cases keep what they had.
 */
export const REVISABLE_MEDIATION_STATUSES = ['accepted', 'mediator_assigned', 'mediating', 'agreement_reached', 'performing'];

/** What the revision needs of the mediation context. */
export interface MediationRevisionDeps {
  readStore: ReadStore;
  /** the case view brought up to date with everything stored so far */
  catchUp(): Promise<void>;
  execute: MediationCases['runner']['execute'];
  clock: Clock;
}

/**
 * Mediation's side of the calendar revision (libs/platform/src/calendar/README.md): the open cases
 * from the case view, each sent `ReviseMediationDeadline` through the context's runner, whose
 * decider holds the calendar of the catalog. The view is caught up before the listing, so every
 * case stored before the notice was applied is listed; a command that decided on the old calendar
 * and stored its case after the listing revises its case itself (`CalendarFollowingRunner`).
 */
export function mediationRevisionTarget(deps: MediationRevisionDeps): DeadlineRevisionTarget {
  return {
    context: 'mediation',
    async openCaseIds() {
      await deps.catchUp();
      const docs = await deps.readStore.find<MediationCaseView>(
        MEDIATION_CASE_VIEW,
        { status: { $in: REVISABLE_MEDIATION_STATUSES } },
        { sort: { caseId: 1 }, projection: { caseId: 1 } },
      );
      return docs.map((d) => d.caseId);
    },
    async revise(caseId, notice, calendarVersion) {
      const now = deps.clock.now();
      const command: ReviseMediationDeadline = {
        type: 'ReviseDeadline',
        data: { notice },
        meta: { actor: CALENDAR_REVISION_ACTOR, now: now.toISOString(), correlationId: `calendar:${calendarVersion}:${caseId}` },
      };
      const res = await deps.execute(caseId, command, {
        eventId: (i: number) => deterministicEventId(`${caseId}/revise/${calendarVersion}/${i}`, now.getTime()),
      });
      return res.events.length;
    },
  };
}

/** The consumer mediation adds to its runtime (group `mediation.calendar`): calendars kept current, open deadlines revised. */
export function mediationCalendarConsumer(cases: () => MediationCases): ContextConsumer {
  return calendarConsumer({
    get catalog() {
      return cases().calendars;
    },
    store: () => cases().runtime.infra.readStore,
    target: () => cases().revisionTarget(),
  });
}

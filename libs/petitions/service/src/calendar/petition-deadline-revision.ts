import { Actor, Clock, deterministicEventId } from '@fengqiao/kernel';
import { calendarConsumer, ContextConsumer, DeadlineRevisionTarget } from '@fengqiao/platform';
import { RevisePetitionDeadline } from '@fengqiao/petitions-domain';
import { ReadStore } from '@fengqiao/read-store';
import type { PetitionRunner, PetitionsContext } from '../petitions.context';
import { PETITION_VIEW } from '../read-models/petition-view';

/** The actor of deadline revisions. */
export const CALENDAR_REVISION_ACTOR: Actor = { userId: 'petitions.calendar-revision', role: 'system', unitId: 'system' };

/**
 * Statuses with a clock or a petitioner's window a calendar change may move: the §21/§22/§23
 * clocks while the petition is registered, routed or handled, the objection window (routed), the
 * review and re-review request windows (delivered, review decided) and the review clocks. Closed,
 * terminated and not-accepted petitions keep what they had. A wider list is harmless: the decider
 * appends nothing for a petition whose dates stay.
 */
export const REVISABLE_PETITION_STATUSES = [
  'registered',
  'routed',
  'acceptance_notified',
  'handling',
  'opinion_issued',
  'delivered',
  'review_requested',
  'reviewing',
  'review_decided',
  're_review_requested',
  're_reviewing',
];

export interface PetitionRevisionDeps {
  readStore: ReadStore;
  /** the petition views brought up to date with everything stored so far */
  catchUp(): Promise<void>;
  execute: PetitionRunner['execute'];
  clock: Clock;
}

/**
 * Petitions' side of the calendar revision (libs/platform/src/calendar/README.md): the open
 * petitions from the petition view (caught up first, so every petition stored before the notice
 * was applied is listed; one stored later on the old calendar is revised by the runner itself,
 * `CalendarFollowingRunner`), each sent `ReviseDeadline` through the petition runner.
 */
export function petitionRevisionTarget(deps: PetitionRevisionDeps): DeadlineRevisionTarget {
  return {
    context: 'petitions',
    async openCaseIds() {
      await deps.catchUp();
      const docs = await deps.readStore.find<{ petitionId: string }>(
        PETITION_VIEW,
        { status: { $in: REVISABLE_PETITION_STATUSES } },
        { sort: { petitionId: 1 }, projection: { petitionId: 1 } },
      );
      return docs.map((d) => d.petitionId);
    },
    async revise(petitionId, notice, calendarVersion) {
      const now = deps.clock.now();
      const command: RevisePetitionDeadline = {
        type: 'ReviseDeadline',
        data: { notice },
        meta: { actor: CALENDAR_REVISION_ACTOR, now: now.toISOString(), correlationId: `calendar:${calendarVersion}:${petitionId}` },
      };
      const res = await deps.execute(petitionId, command, {
        eventId: (i: number) => deterministicEventId(`${petitionId}/revise/${calendarVersion}/${i}`, now.getTime()),
      });
      return res.events.length;
    },
  };
}

/** The consumer petitions adds to its runtime (group `petitions.calendar`). */
export function petitionsCalendarConsumer(ctx: PetitionsContext): ContextConsumer {
  return calendarConsumer({
    catalog: ctx.calendars,
    store: () => ctx.runtime.infra.readStore,
    target: () => ctx.revisionTarget(),
  });
}

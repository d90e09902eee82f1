import { Logger } from '@nestjs/common';
import { CalendarNoticesPublishedData, CalendarNoticesPublishedV1, IntegrationEvent, topics } from '@fengqiao/contracts';
import { DomainError } from '@fengqiao/kernel';
import { ReadStore } from '@fengqiao/read-store';
import { ContextConsumer } from '../infrastructure/context-runtime';
import { CalendarCatalog } from './calendar-catalog';

/**
 * What a deadline-owning context gives the calendar revision (one implementation per context:
 * grid-dispatch's work orders now; mediation cases and petitions plug in the same way):
 *  - `openCaseIds()`: the cases whose running deadline may have to move (open, not breached; a
 *    wider list is harmless, the decider appends nothing for a case whose dates stay), in a
 *    stable order (the revision resumes after the last case it finished);
 *  - `revise(caseId, notice)`: sends `ReviseDeadline` to the case through the context's command
 *    handler (whose decider takes the calendar from the catalog, already updated), with event ids
 *    derived from the case, the calendar version and the position, so a repeat appends nothing;
 *    returns how many events were appended (0: nothing to revise).
 */
export interface DeadlineRevisionTarget {
  readonly context: string;
  openCaseIds(): Promise<string[]>;
  revise(caseId: string, notice: string, calendarVersion: string): Promise<number>;
}

export interface RevisionOutcome {
  calendarVersion: string;
  revised: string[];
  unchanged: number;
  failed: { caseId: string; error: string }[];
  /** true when an earlier run had finished it already */
  alreadyDone: boolean;
}

/** Progress of one revision (per context and calendar version), in the context's read store. */
export const REVISION_PROGRESS = 'calendar_revision';
interface ProgressDoc {
  context: string;
  calendarVersion: string;
  /** the last case finished, in the order of `openCaseIds()` */
  lastCaseId?: string;
  done: boolean;
  revised: number;
}

/**
 * Revises every open deadline after a calendar change. Runs inside the consumer of the notice
 * table, so with several replicas it runs once per notice (one consumer of the group gets the
 * message); the inbox records the message only after the run, so a crash half-way redelivers it
 * and the run resumes after the last finished case (the progress document), and a repeat (a
 * second load of the same notice brings no new version, or a redelivery) changes nothing because
 * the decider appends nothing for a deadline already on the new calendar.
 */
export async function reviseOpenDeadlines(
  target: DeadlineRevisionTarget,
  store: ReadStore,
  calendarVersion: string,
  notice: string,
  logger: Logger = new Logger(`${target.context}.calendar-revision`),
): Promise<RevisionOutcome> {
  const id = `${target.context}/${calendarVersion}`;
  const progress = await store.get<ProgressDoc>(REVISION_PROGRESS, id);
  const outcome: RevisionOutcome = { calendarVersion, revised: [], unchanged: 0, failed: [], alreadyDone: progress?.done === true };
  if (progress?.done) return outcome;
  let step = (progress?._revision ?? 0) + 1;
  const save = async (doc: ProgressDoc) => {
    await store.upsert<ProgressDoc>(REVISION_PROGRESS, { _id: id, ...doc }, { revision: step++ });
  };
  const ids = await target.openCaseIds();
  const resumeAfter = progress?.lastCaseId;
  const start = resumeAfter === undefined ? 0 : ids.indexOf(resumeAfter) + 1;
  let revisedCount = progress?.revised ?? 0;
  for (const caseId of ids.slice(start)) {
    try {
      const appended = await target.revise(caseId, notice, calendarVersion);
      if (appended > 0) {
        outcome.revised.push(caseId);
        revisedCount++;
      } else outcome.unchanged++;
    } catch (e) {
      // a case the decider refuses (e.g. closed meanwhile) must not stop the others; anything else
      // (a store down, a crash) stops the run: the message is redelivered and the run resumes here
      if (!(e instanceof DomainError)) throw e;
      const error = `${e.code}: ${e.message}`;
      outcome.failed.push({ caseId, error });
      logger.error(`revision of case ${caseId} on calendar ${calendarVersion} failed: ${error}`);
    }
    await save({ context: target.context, calendarVersion, lastCaseId: caseId, done: false, revised: revisedCount });
  }
  await save({ context: target.context, calendarVersion, done: true, revised: revisedCount });
  logger.log(`calendar ${calendarVersion}: revised ${outcome.revised.length}, unchanged ${outcome.unchanged}, failed ${outcome.failed.length}`);
  return outcome;
}

export interface CalendarConsumerOptions {
  catalog: CalendarCatalog;
  /** the context's read store (keeps the table and the revision progress) */
  store: () => ReadStore;
  /** the context's revision target; absent: the calendars are kept current, nothing is revised */
  target?: () => DeadlineRevisionTarget | undefined;
  /** called with each outcome (health, tests) */
  onRevised?: (outcome: RevisionOutcome) => void;
}

export const CALENDAR_CONSUMER_PURPOSE = 'calendar';

/**
 * The consumer a deadline-owning context adds to its runtime (group `<context>.calendar`): it
 * keeps the context's calendars current from `calendar.notices.events.v1` and revises the open
 * deadlines when the table changes.
 */
export function calendarConsumer(options: CalendarConsumerOptions): ContextConsumer {
  return {
    purpose: CALENDAR_CONSUMER_PURPOSE,
    topics: [topics.calendarNotices],
    handle: async (event: IntegrationEvent) => {
      if (event.type !== CalendarNoticesPublishedV1.type) return;
      const data = event.data as CalendarNoticesPublishedData;
      const store = options.store();
      const applied = options.catalog.apply(data.version, data.notices);
      if (applied) await options.catalog.save(store);
      // run (or resume) the revision for the version held, also when it was applied before a crash
      if (options.catalog.version !== data.version || data.version === 1) return; // older than the one held, or the shipped data
      const target = options.target?.();
      if (!target) return;
      const changed = data.changed ? `${data.changed.region}-${data.changed.year}` : `v${data.version}`;
      const outcome = await reviseOpenDeadlines(target, store, data.calendarVersion, `calendar-notices:${changed}`);
      options.onRevised?.(outcome);
    },
  };
}

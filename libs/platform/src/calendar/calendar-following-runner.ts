import { Logger } from '@nestjs/common';
import { Command, DomainError, Event } from '@fengqiao/kernel';
import { ReadStore } from '@fengqiao/read-store';
import { CaseCommandRequest, CaseCommandResult, CaseCommandRunner, CaseRunnerConfig } from '../application/case-command-runner';
import { HandleOptions } from '../application/command-handler';
import { CalendarCatalog } from './calendar-catalog';
import { DeadlineRevisionTarget } from './deadline-revision';

/**
 * A case-command runner whose decider follows a context's `CalendarCatalog`, and which closes the
 * race between a command and a calendar revision that finds its cases through the case view.
 *
 * The race: a command reads the calendar, decides a deadline on it and appends; meanwhile the
 * notice arrives, the catalog changes and the revision lists the open cases from the view. If the
 * case reached the view only after that listing, the revision would miss it and its deadline would
 * stay on the superseded calendar. The runner notes the catalog version when a command starts; the
 * command's views are brought up to date (`afterAppend`) before it returns; then, if the catalog
 * changed meanwhile, the runner revises the case itself (`ReviseDeadline` with the revision's own
 * deterministic event ids, so a case the revision did reach appends nothing twice). Either the
 * catalog changed before the check (the runner revises) or after it (the case was in the view
 * before the revision listed the cases, so the revision finds it): no case is missed in a process.
 *
 * Between replicas: each replica reloads the notice table its context keeps in the read store
 * (`prepare`, at most every `reloadEveryMs`), so a replica that did not get the notice message
 * decides on the new calendar within that interval; a command another replica has in flight at
 * that moment is the remaining window (its deadline is revised by the next notice, or by hand).
 */
export interface CalendarFollowing {
  catalog: CalendarCatalog;
  /** the context's read store, where the notice table is kept */
  readStore: () => ReadStore;
  /** the context's revision target (the same `revise` the notice consumer uses) */
  target: () => DeadlineRevisionTarget;
  /** how often `prepare` reloads the kept table; default 2 s */
  reloadEveryMs?: number;
}

export class CalendarFollowingRunner<S, C extends Command, E extends Event> extends CaseCommandRunner<S, C, E> {
  private readonly logger: Logger;
  private readonly following: CalendarFollowing;

  constructor(config: CaseRunnerConfig<S, C, E>, following: CalendarFollowing) {
    const inner = config.prepare?.bind(config);
    const logger = new Logger(`${config.context.toLowerCase()}.calendar-follow`);
    const reload = calendarReloader(following, logger);
    super({
      ...config,
      get decider() {
        return config.decider;
      },
      prepare: async () => {
        await reload();
        await inner?.();
      },
    });
    this.logger = logger;
    this.following = following;
  }

  override async run(request: CaseCommandRequest<S, C>): Promise<CaseCommandResult> {
    const version = this.following.catalog.version;
    const result = await super.run(request);
    await this.followUp(request.caseId, version, result);
    return result;
  }

  override async execute(caseId: string, command: C, options: Pick<HandleOptions, 'eventId'> = {}): Promise<CaseCommandResult> {
    const version = this.following.catalog.version;
    const result = await super.execute(caseId, command, options);
    if (command.type !== 'ReviseDeadline') await this.followUp(caseId, version, result);
    return result;
  }

  private async followUp(caseId: string, startedOn: number, result: CaseCommandResult): Promise<void> {
    if (result.events.length === 0 || this.following.catalog.version === startedOn) return;
    const calendarVersion = this.following.catalog.calendarVersion;
    try {
      const appended = await this.following.target().revise(caseId, `calendar-follow:${calendarVersion}`, calendarVersion);
      if (appended > 0) this.logger.log(`case ${caseId} decided during the change to calendar ${calendarVersion}: revised`);
    } catch (e) {
      // the command itself succeeded; the revision's own pass (or a redelivery) still covers the case
      this.logger.warn(
        `case ${caseId}: follow-up revision on ${calendarVersion} failed: ${e instanceof DomainError ? e.code : e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
}

/** Reloads the notice table kept in the read store, at most every `reloadEveryMs`. */
function calendarReloader(following: CalendarFollowing, logger: Logger): () => Promise<void> {
  let last = 0;
  return async () => {
    const now = Date.now();
    if (now - last < (following.reloadEveryMs ?? 2_000)) return;
    last = now;
    try {
      await following.catalog.load(following.readStore());
    } catch (e) {
      logger.warn(`notice table not reloaded: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

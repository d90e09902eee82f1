import { Logger } from '@nestjs/common';
import type { Directory } from '@fengqiao/identity';
import { IllegalStateError, WorkingCalendar } from '@fengqiao/kernel';
import {
  CalendarCatalog,
  CalendarFollowingRunner,
  CaseCommandRunner,
  ContextRuntime,
  DeadlineRevisionTarget,
  DeadlineScheduler,
  ServiceConfig,
} from '@fengqiao/platform';
import {
  createPetitionDecider,
  PetitionCommand,
  PetitionDecider,
  PetitionEvent,
  PetitionPortalCommand,
  PetitionPortalEvent,
  petitionPortalDecider,
  PetitionPortalState,
  PetitionState,
  RegisteredPetition,
  toPetitionPortalStreamId,
  toPetitionStreamId,
} from '@fengqiao/petitions-domain';
import { PetitionUnits } from './application/petition-units';
import { seedDemoPetitions } from './demo/petitions-demo.seed';
import { Petitioners } from './application/petitioners';
import { ResolvedPetitionsOptions } from './petitions.options';
import type { StoredEvent } from '@fengqiao/event-store';
import type { StoreProjector } from '@fengqiao/read-store';
import { ensurePetitionsIndexes, petitionsProjector } from './read-models/petitions.projector';
import { PetitionTimers } from './timers/petition-timers';
import { petitionRevisionTarget } from './calendar/petition-deadline-revision';

export const PETITIONS = 'petitions';
/** Injection token of the petitions context (one per `PetitionsModule.register()`). */
export const PETITIONS_CONTEXT = Symbol.for('fengqiao.petitions.context');

export type PetitionRunner = CaseCommandRunner<PetitionState, PetitionCommand, PetitionEvent>;
export type PortalRunner = CaseCommandRunner<PetitionPortalState, PetitionPortalCommand, PetitionPortalEvent>;

interface Started {
  runtime: ContextRuntime;
  runner: PetitionRunner;
  portal: PortalRunner;
  petitioners: Petitioners;
  projector: StoreProjector<StoredEvent>;
  scheduler: DeadlineScheduler;
}

/**
 * The running parts of the petitions context, created with the module and started with the
 * context's runtime (its stores): the petition command runner (the platform's one command path
 * around the `Petition` decider), the petitioner portal runner, the petitioners' keyed identity and
 * sealed personal data, the views and the deadline scheduler. Controllers reach them through
 * the PETITIONS_CONTEXT token.
 */
export class PetitionsContext {
  readonly logger = new Logger('petitions');
  /** the working calendars, kept current from the holiday notices (calendar/petition-deadline-revision.ts) */
  readonly calendars = new CalendarCatalog();
  private current: { calendar: WorkingCalendar; decider: PetitionDecider };
  readonly units: PetitionUnits;
  private parts?: Started;
  private directory: () => Pick<Directory, 'current'> | undefined = () => undefined;
  config?: ServiceConfig;

  constructor(
    readonly options: ResolvedPetitionsOptions,
    private readonly demoLoaded: () => boolean,
  ) {
    const calendar = this.calendar();
    this.current = { calendar, decider: createPetitionDecider({ rules: options.rules, calendar }) };
    this.units = new PetitionUnits(
      () => this.directory(),
      () => demoLoaded(),
    );
  }

  /** The calendar the petition clocks run on: a fixed provider from the options, else the catalog's. */
  calendar(): WorkingCalendar {
    return this.options.calendar?.calendar() ?? this.calendars.get(this.options.calendarId);
  }

  /** The decider on the calendar in force (rebuilt when a holiday notice changes it). */
  get decider(): PetitionDecider {
    const calendar = this.calendar();
    if (calendar !== this.current.calendar) this.current = { calendar, decider: createPetitionDecider({ rules: this.options.rules, calendar }) };
    return this.current.decider;
  }

  /** The open petitions' deadline revision after a calendar change (the notice consumer and the runner's follow-up). */
  revisionTarget(): DeadlineRevisionTarget {
    return petitionRevisionTarget({
      readStore: this.runtime.infra.readStore,
      catchUp: async () => void (await this.projector.catchUp()),
      execute: (id, command, options) => this.runner.execute(id, command, options),
      clock: this.clock,
    });
  }

  /** The live directory (the issuer's in this process, or the one followed from identity.directory.events.v1). */
  bind(directory: () => Pick<Directory, 'current'> | undefined, config: ServiceConfig | undefined): void {
    this.directory = directory;
    this.config = config;
  }

  get clock() {
    return this.options.clock;
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  private get started(): Started {
    if (!this.parts) throw new IllegalStateError('PETITIONS.NOT_READY', '信访服务尚未就绪，请稍后重试');
    return this.parts;
  }
  get runtime(): ContextRuntime {
    return this.started.runtime;
  }
  get runner(): PetitionRunner {
    return this.started.runner;
  }
  get portal(): PortalRunner {
    return this.started.portal;
  }
  get petitioners(): Petitioners {
    return this.started.petitioners;
  }
  get projector(): StoreProjector<StoredEvent> {
    return this.started.projector;
  }
  get scheduler(): DeadlineScheduler {
    return this.started.scheduler;
  }

  /** Unit path of a petition: every unit it has been at (received, routed, handling, review, re-review). */
  jurisdictionOfState(s: PetitionState): string[] {
    if (s.status === 'none') return [];
    return this.units.jurisdictionOf(s.receivingUnitId, s.routing?.toUnitId, s.handlingUnitId, s.review?.unitId, s.reReview?.unitId);
  }

  /** After an append: the views have it before the answer, and the relay is woken. */
  async caughtUp(): Promise<void> {
    const { projector, runtime } = this.started;
    await projector.catchUp();
    runtime.published();
  }

  async start(runtime: ContextRuntime, config: ServiceConfig | undefined): Promise<void> {
    const { events, readStore } = runtime.infra;
    const cfg = config ?? this.config;
    if (!cfg) throw new Error('petitions: no service config');
    const petitioners = await Petitioners.open(cfg, this.options.piiMasterKey, this.options.idHashKey);
    // the petitioners' keys also seal phone and ID numbers in free text, and erasures reach them
    runtime.attachSubjectKeys(petitioners.keys);
    const protectedEvents = runtime.events;
    const afterAppend = () => this.caughtUp();
    await this.calendars.load(readStore);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the decider getter below reads the context's calendar
    const self = this;
    const runner: PetitionRunner = new CalendarFollowingRunner(
      {
        store: protectedEvents,
        get decider() {
          return self.decider;
        },
        context: 'PETITIONS',
        resourceType: 'petition',
        noun: '信访事项',
        streamIdOf: toPetitionStreamId,
        exists: (s) => s.status !== 'none',
        statusOf: (s) => s.status,
        now: () => this.now(),
        jurisdictionOf: (s) => this.jurisdictionOfState(s),
        afterAppend,
      },
      { catalog: this.calendars, readStore: () => readStore, target: () => this.revisionTarget() },
    );
    const portal: PortalRunner = new CaseCommandRunner({
      store: protectedEvents,
      decider: petitionPortalDecider,
      context: 'PETITIONS',
      resourceType: 'petition',
      noun: '信访事项',
      streamIdOf: toPetitionPortalStreamId,
      exists: (s) => s.status !== 'none',
      statusOf: (s) => s.status,
      now: () => this.now(),
      jurisdictionOf: () => [],
      afterAppend,
    });
    const projector = petitionsProjector(events, readStore, (s: RegisteredPetition) => this.jurisdictionOfState(s), this.options.viewIntervalMs);
    const scheduler = new DeadlineScheduler(new PetitionTimers(readStore, runner), {
      name: 'petitions.scheduler',
      clock: this.clock,
      intervalMs: this.options.timerIntervalMs,
    });
    this.parts = { runtime, runner, portal, petitioners, projector, scheduler };
    await ensurePetitionsIndexes(readStore);
    await projector.init();
    await projector.catchUp();
    projector.start();
    if (this.options.seedDemo ?? this.demoLoaded()) {
      try {
        const seeded = await seedDemoPetitions(this);
        if (seeded > 0) this.logger.log(`seeded ${seeded} demo petitions`);
      } catch (e) {
        this.logger.error(`demo petitions not seeded: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (this.options.runScheduler) scheduler.start();
  }

  async stop(): Promise<void> {
    if (!this.parts) return;
    await this.parts.scheduler.stop();
    await this.parts.projector.stop();
    await this.parts.petitioners.close();
  }

  health(): Record<string, unknown> {
    const { projector, scheduler } = this.started;
    const views = projector.health();
    if (views.failures > 3) throw new Error(`petitions views failing (${views.failures} attempts) at position ${views.position}`);
    const timers = scheduler.status();
    return { views, scheduler: { ticks: timers.ticks, lastTickAt: timers.last?.now ?? null, lastFailed: timers.last?.failed.length ?? 0 } };
  }
}

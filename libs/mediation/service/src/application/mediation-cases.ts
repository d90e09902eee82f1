import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { demoEnabled } from '@fengqiao/demo';
import type { Directory, Principal } from '@fengqiao/identity';
import { CommandMeta, NotFoundError, ValidationError, WorkingCalendar } from '@fengqiao/kernel';
import { createMediationDecider, MediationCaseState, MediationCommand, MediationEvent, toMediationStreamId } from '@fengqiao/mediation-domain';
import {
  Action,
  assertInJurisdiction,
  CalendarCatalog,
  CalendarFollowingRunner,
  CaseCommandResult,
  CaseCommandRunner,
  DeadlineRevisionTarget,
  ContextRuntime,
  DeadlineScheduler,
  directoryInUse,
  etagOf,
  expectedRevisionOf,
  HeaderResponse,
  LoadedCase,
  LIVE_DIRECTORY,
  runtimeToken,
  SERVICE_CONFIG,
  ServiceConfig,
} from '@fengqiao/platform';
import { ReadDoc, StoreProjector } from '@fengqiao/read-store';
import type { StoredEvent } from '@fengqiao/event-store';
import { mediationCaseProjector } from '../case-view/mediation-case.projector';
import { MEDIATION_CASE_VIEW, MediationCaseView } from '../case-view/mediation-case.view';
import { MEDIATION_OPTIONS, MediationContextOptions } from '../mediation.options';
import { openPartyKeyStore, OpenedKeyStore, PartyRecords } from '../parties/party-records';
import { seedDemoCases } from '../demo/demo-cases';
import { mediationScheduler } from '../timers/mediation-deadlines';
import { mediationRevisionTarget } from '../calendar/mediation-deadline-revision';
import { Committee } from './committees';
import { MEDIATION_LINK, MediationLink } from './mediation-link';

export const MEDIATION = 'mediation';

export type LoadedMediationCase = LoadedCase<MediationCaseState>;
export type RegisteredState = Exclude<MediationCaseState, { status: 'none' }>;

/** What a use-case controller hands the one command path. */
export interface MediationCommandRequest {
  caseId: string;
  principal: Principal;
  action: Action;
  ifMatch: string | undefined;
  correlationId: string | undefined;
  reason?: string | undefined;
  res: HeaderResponse;
  command(loaded: LoadedMediationCase & { state: RegisteredState }, meta: CommandMeta): MediationCommand | Promise<MediationCommand>;
}

/**
 * The mediation context's command plumbing around the platform's CaseCommandRunner: the decider
 * (rules and THE calendar from the module options), where a case belongs (its committee's unit
 * path), the desk view brought up to date after each append, and the parties' encrypted records.
 */
@Injectable()
export class MediationCases implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runner: CaseCommandRunner<MediationCaseState, MediationCommand, MediationEvent>;
  readonly projector: StoreProjector<StoredEvent>;
  readonly scheduler: DeadlineScheduler;
  /** the working calendars, kept current from the holiday notices (calendar/mediation-deadline-revision.ts) */
  readonly calendars = new CalendarCatalog();
  private readonly logger = new Logger('mediation');
  /** resolves when the demo cases are in (tests, health) */
  demoSeeded: Promise<void> = Promise.resolve();
  private stopping = false;
  private partyKeys?: OpenedKeyStore;
  private partyRecords?: PartyRecords;
  /** the live directory (the issuer's in this process, or the one followed from identity.directory.events.v1) */
  private readonly directory: () => Directory | undefined;

  constructor(
    @Inject(runtimeToken(MEDIATION)) readonly runtime: ContextRuntime,
    @Inject(MEDIATION_OPTIONS) readonly options: MediationContextOptions,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MEDIATION_LINK) link: MediationLink,
    @Optional() @Inject(LIVE_DIRECTORY) live?: Directory,
  ) {
    this.directory = directoryInUse(live);
    link.cases = this;
    this.projector = mediationCaseProjector(runtime.infra.events, runtime.infra.readStore, options.viewPollIntervalMs);
    // the decider on the calendar in force (a fixed one from the options, else the catalog's,
    // rebuilt when a holiday notice changes it)
    const calendar = (): WorkingCalendar => options.calendar ?? this.calendars.get(options.calendarId);
    const current = { calendar: calendar(), decider: createMediationDecider({ rules: options.rules, calendar: calendar() }) };
    const deciderNow = () => {
      const now = calendar();
      if (now !== current.calendar) {
        current.decider = createMediationDecider({ rules: options.rules, calendar: now });
        current.calendar = now;
      }
      return current.decider;
    };
    this.runner = new CalendarFollowingRunner(
      {
        context: 'MEDIATION',
        resourceType: 'mediation',
        noun: '调解案件',
        // free text sealed on append, opened on read (issue 14): the decider never sees ciphertext
        store: runtime.events,
        get decider() {
          return deciderNow();
        },
        jurisdictionOf: (state) => (state.status === 'none' ? [] : this.committeeOf(state.committeeId).path),
        streamIdOf: toMediationStreamId,
        exists: (state) => state.status !== 'none',
        statusOf: (state) => state.status,
        now: () => this.now(),
        afterAppend: async () => {
          await this.projector.catchUp();
          this.runtime.published();
        },
      },
      { catalog: this.calendars, readStore: () => runtime.infra.readStore, target: () => this.revisionTarget() },
    );
    this.scheduler = mediationScheduler(runtime.infra.readStore, this.runner, options.clock, options.schedulerIntervalMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.calendars.load(this.runtime.infra.readStore);
    await this.parties();
    await this.projector.catchUp();
    this.projector.start();
    this.scheduler.start();
    // the demo's cases go in behind the running service (a first start answers at once)
    if (this.options.seedDemo ?? demoEnabled(this.config.mode)) {
      this.demoSeeded = this.seedDemo().catch((e: unknown) => this.logger.error(`demo cases not seeded: ${e instanceof Error ? e.stack : String(e)}`));
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.demoSeeded;
    await this.scheduler.stop();
    await this.projector.stop();
    await this.partyKeys?.close();
  }

  /** The demo's cases in every state, through the decider (once: deterministic ids). */
  async seedDemo(): Promise<void> {
    const seeder = new CaseCommandRunner({ ...this.runner.config, afterAppend: undefined });
    const directory = this.directory()?.current();
    const seeded = await seedDemoCases({
      runner: seeder,
      parties: await this.parties(),
      committees: this.options.committees.all(),
      // the demo's naming (med.v-1-1 → u-med-v-1-1) where the directory is not in this process
      mediatorOf: (c) => directory?.users().find((u) => u.unitId === c.id && u.roles.includes('mediator'))?.id ?? `u-med-${c.id.replace(/^mc-/, '')}`,
      now: this.options.clock.now(),
      stopping: () => this.stopping,
      onError: (caseId, status, e) => this.logger.warn(`demo case ${caseId} (${status}) not seeded: ${e instanceof Error ? e.message : String(e)}`),
    });
    if (seeded > 0) {
      await this.projector.catchUp();
      this.runtime.published();
      this.logger.log(`demo: ${seeded} mediation cases seeded through commands`);
    }
  }

  /** The open cases' deadline revision after a calendar change (the notice consumer and the runner's follow-up). */
  revisionTarget(): DeadlineRevisionTarget {
    return mediationRevisionTarget({
      readStore: this.runtime.infra.readStore,
      catchUp: async () => void (await this.projector.catchUp()),
      execute: (caseId, command, options) => this.runner.execute(caseId, command, options),
      clock: this.options.clock,
    });
  }

  now(): string {
    return this.options.clock.now().toISOString();
  }

  /** The parties' encrypted records (key store opened on first use). */
  async parties(): Promise<PartyRecords> {
    if (!this.partyRecords) {
      this.partyKeys = await openPartyKeyStore(this.config, this.options.piiMasterKey, this.options.production);
      this.partyRecords = new PartyRecords(this.runtime.infra.events, this.partyKeys.keys);
      // the same keys seal phone and ID numbers in the case's free text, and erasures reach them
      this.runtime.attachSubjectKeys(this.partyKeys.keys);
    }
    return this.partyRecords;
  }

  committeeOf(committeeId: string): Committee {
    const committee = this.options.committees.committee(committeeId);
    if (!committee) throw new ValidationError('MEDIATION.UNKNOWN_COMMITTEE', `调解委员会不存在：${committeeId}`, { field: 'committeeId' });
    return committee;
  }

  /** Mediators must belong to the case's committee (checked where the directory is in this process). */
  assertMediatorsOf(committeeId: string, mediatorIds: readonly string[], field = 'mediatorIds'): void {
    const directory = this.directory()?.current();
    if (!directory) return;
    const wrong = mediatorIds.filter((id) => {
      const user = directory.user(id);
      return !user || user.unitId !== committeeId || !user.roles.includes('mediator');
    });
    if (wrong.length > 0) {
      throw new ValidationError('MEDIATION.NOT_A_MEDIATOR_OF_COMMITTEE', `不是本调解委员会的人民调解员：${wrong.join('、')}`, { field, wrong });
    }
  }

  /** A staff member's name (mediators on documents); the id where the directory is not in this process. */
  staffName(userId: string): string {
    return this.directory()?.current().user(userId)?.displayName ?? userId;
  }

  /** Runs a command on an existing case from HTTP; sets the ETag. */
  async command(request: MediationCommandRequest): Promise<CaseCommandResult> {
    const result = await this.runner.run({
      caseId: request.caseId,
      principal: request.principal,
      action: request.action,
      expectedRevision: expectedRevisionOf(request.ifMatch),
      correlationId: request.correlationId,
      reason: request.reason,
      command: (loaded, meta) => request.command(loaded as LoadedMediationCase & { state: RegisteredState }, meta),
    });
    request.res.setHeader('ETag', etagOf(result.revision));
    return result;
  }

  /**
   * Where a hard case may be referred up (移交): a committee at a higher level (village → town or
   * district centre, town → district) or an industry committee; one history, the same stream.
   */
  transferTarget(state: RegisteredState, toCommitteeId: string): Committee {
    const to = this.committeeOf(toCommitteeId);
    const rank: Record<string, number> = { village: 0, town: 1, district: 2 };
    const up = to.level === 'industry' || (rank[to.level] ?? -1) > (rank[state.committeeLevel] ?? 3);
    if (!up) {
      throw new ValidationError('MEDIATION.TRANSFER_NOT_UP', '只能移交给上级调解中心或行业性专业性调解委员会', {
        field: 'toCommitteeId',
        from: state.committeeLevel,
        to: to.level,
      });
    }
    return to;
  }

  /** 403 unless the principal may perform `action` in the committee (creating a case there). */
  assertMayActIn(principal: Principal, committee: Committee, action: Action): void {
    assertInJurisdiction(principal, committee.path, action, { type: 'mediation-committee', id: committee.id });
  }

  /** The desk view of a case the principal may read (404 / 403 otherwise). */
  async viewFor(principal: Principal, caseId: string, action: Action = 'mediation.read'): Promise<ReadDoc<MediationCaseView>> {
    const doc = await this.runtime.infra.readStore.get<MediationCaseView>(MEDIATION_CASE_VIEW, caseId);
    if (!doc) throw new NotFoundError('MEDIATION.CASE_NOT_FOUND', `调解案件 ${caseId} 不存在`, { caseId });
    assertInJurisdiction(principal, doc.jurisdiction, action, { type: 'mediation', id: caseId });
    return doc;
  }
}

import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { StoredEvent } from '@fengqiao/event-store';
import { Principal } from '@fengqiao/identity';
import {
  GridCaseReportCommand,
  GridCaseReportEvent,
  GridCaseReportState,
  intakeDecider,
  toGridCaseReportStreamId,
} from '@fengqiao/intake-domain';
import { Actor, CommandMeta, DomainError, NotFoundError } from '@fengqiao/kernel';
import {
  Action,
  actorOf,
  assertInJurisdiction,
  CommandHandlerDeps,
  ContextRuntime,
  handleCommand,
  loadState,
  runtimeToken,
} from '@fengqiao/platform';
import { ReadDoc } from '@fengqiao/read-store';
import { CASE_VIEW, CaseView, IntakeStatus } from '../case-view/case-view';
import { CaseViewProjector } from '../case-view/case-view.projector';
import { INTAKE_CONTEXT, IntakeContext } from '../intake.options';

export const INTAKE = 'intake';

/** What a command returns to HTTP: the case's status and revision (the next If-Match). */
export interface CaseCommandResult {
  caseId: string;
  status: IntakeStatus;
  /** stream revision after the command: the case's new ETag */
  revision: number;
  /** the events the command recorded, e.g. ["CaseAccepted", "CaseFiled"] */
  events: string[];
}

export interface LoadedCase {
  state: Exclude<GridCaseReportState, { status: 'none' }>;
  revision: number;
  /** the unit path recorded on the case's last event */
  jurisdiction: string[];
  events: StoredEvent[];
}

/**
 * The intake context's command plumbing, shared by the use-case handlers: load a case, check the
 * caller's jurisdiction, run a command through the platform's handler (load, decide, append with
 * the expected revision), bring the case view up to date, and wake the relay. No business rule
 * lives here: the decider decides, the reference data locates.
 */
@Injectable()
export class IntakeCases implements OnApplicationBootstrap, OnModuleDestroy {
  readonly projector: CaseViewProjector;
  readonly deps: CommandHandlerDeps<GridCaseReportState, GridCaseReportCommand, GridCaseReportEvent>;

  constructor(
    @Inject(runtimeToken(INTAKE)) readonly runtime: ContextRuntime,
    @Inject(INTAKE_CONTEXT) readonly ctx: IntakeContext,
  ) {
    this.projector = new CaseViewProjector(runtime.infra.events, runtime.infra.readStore, ctx.viewPollIntervalMs);
    this.deps = {
      store: runtime.infra.events,
      decider: intakeDecider,
      jurisdictionOf: (state) => this.jurisdictionOfState(state),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projector.catchUp();
    this.projector.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.projector.stop();
  }

  get reference() {
    return this.ctx.reference;
  }

  now(): string {
    return this.ctx.clock.now().toISOString();
  }

  meta(actor: Actor, correlationId: string | undefined, reason?: string): CommandMeta {
    return {
      actor,
      now: this.now(),
      ...(correlationId ? { correlationId } : {}),
      ...(reason !== undefined && reason.trim() !== '' ? { reason: reason.trim() } : {}),
    };
  }

  actorOf(principal: Principal, action: Action): Actor {
    return actorOf(principal, action);
  }

  /**
   * Where a case belongs after its events: its grid's unit path (the filed grid once filed), or
   * the path of the centre that received it when it has no grid (the unlocated queue).
   */
  jurisdictionOfState(state: GridCaseReportState): string[] {
    if (state.status === 'none') return [];
    const gridId = state.status === 'filed' ? state.gridId : state.report.gridId;
    return this.reference.jurisdictionOf(gridId, this.reference.receivingCentreOf(state.report.reportedBy.unitId));
  }

  /** The case as its stream holds it, or 404. */
  async load(caseId: string): Promise<LoadedCase> {
    const { state, revision, events } = await loadState(this.deps, toGridCaseReportStreamId(caseId));
    if (state.status === 'none' || revision === 'no_stream') {
      throw new NotFoundError('INTAKE.CASE_NOT_FOUND', `事件 ${caseId} 不存在`, { caseId });
    }
    return { state, revision, jurisdiction: [...events[events.length - 1].jurisdiction], events };
  }

  /** Loads the case and refuses (403, logged) unless the principal may perform `action` on it. */
  async loadFor(principal: Principal, caseId: string, action: Action): Promise<LoadedCase> {
    const loaded = await this.load(caseId);
    assertInJurisdiction(principal, loaded.jurisdiction, action, { type: 'case', id: caseId });
    return loaded;
  }

  /**
   * Runs a command on an existing or new case; `expectedRevision` from If-Match (412 when stale).
   * Then the case view has the new events before this resolves.
   */
  async run(command: GridCaseReportCommand, expectedRevision: number | 'no_stream' | undefined): Promise<CaseCommandResult> {
    const result = await handleCommand(this.deps, toGridCaseReportStreamId(command.data.caseId), command, {
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
    if (result.appended.length > 0) {
      await this.projector.catchUp();
      this.runtime.published();
    }
    if (result.state.status === 'none' || result.revision === 'no_stream') {
      throw new DomainError('INTAKE.NOTHING_RECORDED', `命令未产生任何记录：${command.type}`, 'illegal_state');
    }
    return {
      caseId: command.data.caseId,
      status: result.state.status,
      revision: result.revision,
      events: result.appended.map((e) => e.type),
    };
  }

  /** The view document of a case, or null. */
  async view(caseId: string): Promise<ReadDoc<CaseView> | null> {
    return this.runtime.infra.readStore.get<CaseView>(CASE_VIEW, caseId);
  }
}

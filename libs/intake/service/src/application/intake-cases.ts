import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { StoredEvent } from '@fengqiao/event-store';
import { GridCaseReportCommand, GridCaseReportEvent, GridCaseReportState, intakeDecider, toGridCaseReportStreamId } from '@fengqiao/intake-domain';
import { CaseCommandRunner, ContextRuntime, LoadedCase as RunnerLoadedCase, runtimeToken } from '@fengqiao/platform';
import { ReadDoc, StoreProjector } from '@fengqiao/read-store';
import { CASE_VIEW, CaseView } from '../case-view/case-view';
import { intakeProjector } from '../case-view/case-view.projector';
import { INTAKE_CONTEXT, IntakeContext } from '../intake.options';

export const INTAKE = 'intake';

/** A loaded intake case (the report exists). */
export type LoadedCase = RunnerLoadedCase<Exclude<GridCaseReportState, { status: 'none' }>>;

/**
 * The intake context's case-command runner (libs/platform `CaseCommandRunner`): load the report's
 * stream once, authorise, decide, append with If-Match, bring the case view up to date
 * (read-your-writes) and wake the relay. Use cases call `run()`; no business rule lives here: the
 * decider decides, the reference data locates.
 */
@Injectable()
export class IntakeCases
  extends CaseCommandRunner<GridCaseReportState, GridCaseReportCommand, GridCaseReportEvent>
  implements OnApplicationBootstrap, OnModuleDestroy
{
  readonly projector: StoreProjector<StoredEvent>;

  constructor(
    @Inject(runtimeToken(INTAKE)) readonly runtime: ContextRuntime,
    @Inject(INTAKE_CONTEXT) readonly ctx: IntakeContext,
  ) {
    const projector = intakeProjector(runtime, ctx.viewPollIntervalMs);
    super({
      context: 'INTAKE',
      resourceType: 'case',
      noun: '事件',
      // sealed on append, opened on read: the decider never sees ciphertext
      store: runtime.events,
      decider: intakeDecider,
      streamIdOf: toGridCaseReportStreamId,
      exists: (state) => state.status !== 'none',
      statusOf: (state) => state.status,
      now: () => ctx.clock.now().toISOString(),
      jurisdictionOf: (state) => jurisdictionOfState(ctx, state),
      // the relay first: publishing does not wait for the views (nor they for it)
      afterAppend: async () => {
        runtime.published();
        await projector.catchUp();
      },
    });
    this.projector = projector;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projector.init();
    await this.projector.catchUp();
    this.projector.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.projector.stop();
  }

  get reference() {
    return this.ctx.reference;
  }

  /** The report, checked to exist (404 `INTAKE.CASE_NOT_FOUND`). */
  override async load(caseId: string): Promise<LoadedCase> {
    return (await super.load(caseId)) as LoadedCase;
  }

  /** The view document of a case, or null. */
  async view(caseId: string): Promise<ReadDoc<CaseView> | null> {
    return this.runtime.infra.readStore.get<CaseView>(CASE_VIEW, caseId);
  }
}

/**
 * Where a case belongs after its events: its grid's unit path (the filed grid once filed), or
 * the path of the centre that received it when it has no grid (the unlocated queue).
 */
function jurisdictionOfState(ctx: IntakeContext, state: GridCaseReportState): string[] {
  if (state.status === 'none') return [];
  const gridId = state.status === 'filed' ? state.gridId : state.report.gridId;
  return ctx.reference.jurisdictionOf(gridId, ctx.reference.receivingCentreOf(state.report.reportedBy.unitId));
}

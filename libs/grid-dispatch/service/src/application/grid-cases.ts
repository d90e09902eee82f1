import { Inject, Injectable } from '@nestjs/common';
import { createGridCaseDecider, GridCaseCommand, GridCaseEvent, GridCaseState, toGridCaseStreamId } from '@fengqiao/grid-dispatch-domain';
import { Decider } from '@fengqiao/kernel';
import { CaseCommandRunner, ContextRuntime, runtimeToken } from '@fengqiao/platform';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { GridDispatchDirectory } from '../directory/grid-dispatch-directory';
import { pathOfUnit, unionPaths } from '../directory/unit-directory';
import { GridDispatchViews } from '../read-models/grid-dispatch.views';
import { ReferenceTables } from '../reference-data/reference-tables';
import { upcastGridCaseEvent } from './grid-case.upcast';
import { CONTEXT_NAME, GRID_DISPATCH_OPTIONS } from './grid-dispatch.tokens';

type GridCaseDecider = Decider<GridCaseState, GridCaseCommand, GridCaseEvent>;

/**
 * Grid-dispatch's case-command runner (libs/platform `CaseCommandRunner`), used by every use case,
 * the intake consumer and the deadline scheduler: load the work order's stream once, authorise,
 * decide with the deadline table in force, append with If-Match, bring the views up to date
 * (read-your-writes) and wake the relay.
 *
 * The events' `jurisdiction` is the case's location followed by the path of the unit handling it.
 */
@Injectable()
export class GridCases extends CaseCommandRunner<GridCaseState, GridCaseCommand, GridCaseEvent> {
  constructor(
    @Inject(runtimeToken(CONTEXT_NAME)) readonly runtime: ContextRuntime,
    @Inject(GRID_DISPATCH_OPTIONS) readonly options: ResolvedGridDispatchOptions,
    @Inject(ReferenceTables) readonly tables: ReferenceTables,
    @Inject(GridDispatchDirectory) readonly directory: GridDispatchDirectory,
    @Inject(GridDispatchViews) views: GridDispatchViews,
  ) {
    const current = {
      version: -1,
      calendar: tables.calendar,
      decider: createGridCaseDecider({ deadlineRules: [], calendar: tables.calendar }) as GridCaseDecider,
    };
    super({
      context: 'GRID_DISPATCH',
      resourceType: 'case',
      noun: '工单',
      // free text sealed on append, opened on read (issue 14): the decider never sees ciphertext
      store: runtime.events,
      get decider() {
        return current.decider;
      },
      toDomainEvent: upcastGridCaseEvent,
      streamIdOf: toGridCaseStreamId,
      exists: (state) => state.status !== 'none',
      statusOf: (state) => state.status,
      now: () => options.clock.now().toISOString(),
      jurisdictionOf: (state) => {
        if (state.status === 'none') return [];
        const { location = [], unitId } = state.order;
        return unitId ? unionPaths(location, pathOfUnit(directory.current(), unitId)) : [...location];
      },
      // the decider for the deadline table and calendar in force (rebuilt when either changes)
      prepare: async () => {
        const table = await tables.deadlineRules.current();
        const version = table?.version ?? 0;
        const calendar = tables.calendar;
        if (version !== current.version || calendar !== current.calendar) {
          current.decider = createGridCaseDecider({ deadlineRules: table?.rows ?? [], calendar });
          current.version = version;
          current.calendar = calendar;
        }
      },
      // the relay first: publishing does not wait for the views (nor they for it)
      afterAppend: async () => {
        runtime.published();
        await views.projector.catchUp();
      },
    });
  }

  get clock() {
    return this.options.clock;
  }
}

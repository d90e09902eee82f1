import { DynamicModule, Module } from '@nestjs/common';
import { topics } from '@fengqiao/contracts';
import { demoDistrict } from '@fengqiao/demo';
import { BuiltInIssuer } from '@fengqiao/identity';
import { buildContextModule, HealthRegistry, SERVICE_CONFIG, ServiceConfig } from '@fengqiao/platform';
import { CaseCommandsController } from './case-commands/case-commands.http.controller';
import { GridDispatchOptions, ReferenceDataSeed, resolveGridDispatchOptions } from './config/grid-dispatch.options';
import { unitDirectoryOf } from './directory/unit-directory';
import { CONTEXT_NAME, GRID_DISPATCH, GridDispatchContext } from './grid-dispatch.context';
import { publishGridDispatchEvent } from './publishing/publish.mapper';
import { CASE_INFO_PURPOSE, onIntakeReport } from './read-models/intake-report.projection';
import { ReadModelsController } from './read-models/read-models.http.controller';
import { DeadlineRulesController, RoutingRulesController } from './reference-data/reference-data.http.controller';
import { WORK_ORDERS_PURPOSE } from './work-orders/on-case-filed.consumer';
import { gridDispatchAudit } from './audit/grid-case.audit';

const BINDER = Symbol.for('fengqiao.grid-dispatch.binder');

/** The reference data an empty store starts with when none is configured: the demo district's tables. */
export const DEMO_REFERENCE_DATA: ReferenceDataSeed = { routingRules: demoDistrict.routing, deadlineRules: demoDistrict.deadlineRules };

/**
 * The grid-dispatch context: hosted by services/grid-dispatch (distributed) and
 * services/standalone. `register()` reads its settings from the environment (see
 * GridDispatchOptions); tests pass a clock, intervals, a seed or a directory.
 */
@Module({})
export class GridDispatchModule {
  static register(options: GridDispatchOptions = {}): DynamicModule {
    const context = new GridDispatchContext(resolveGridDispatchOptions(options, process.env, DEMO_REFERENCE_DATA));
    return buildContextModule(GridDispatchModule, {
      name: CONTEXT_NAME,
      audit: gridDispatchAudit,
      controllers: [CaseCommandsController, ReadModelsController, RoutingRulesController, DeadlineRulesController],
      providers: [
        { provide: GRID_DISPATCH, useValue: context },
        {
          // hands the context what only Nest can give: the in-process directory and the service config
          provide: BINDER,
          inject: [{ token: BuiltInIssuer, optional: true }, { token: SERVICE_CONFIG, optional: true }, { token: HealthRegistry, optional: true }],
          useFactory: (issuer: BuiltInIssuer | undefined, config: ServiceConfig | undefined, health: HealthRegistry | undefined) => {
            context.bind(issuer ? unitDirectoryOf(issuer.directory) : undefined, config);
            health?.add({ key: `${CONTEXT_NAME}.views`, check: async () => context.health() });
            return true;
          },
        },
      ],
      runtime: {
        publish: publishGridDispatchEvent,
        consumers: [
          { purpose: WORK_ORDERS_PURPOSE, topics: [topics.intakeCase], handle: (event) => context.onIntakeEvent(event) },
          { purpose: CASE_INFO_PURPOSE, topics: [topics.intakeCase], handle: (event, runtime) => onIntakeReport(event, runtime.infra.readStore).then(() => undefined) },
        ],
        onReady: (runtime) => context.start(runtime),
        onStop: () => context.stop(),
      },
    });
  }
}

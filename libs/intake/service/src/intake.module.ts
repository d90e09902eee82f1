import { DynamicModule, Module } from '@nestjs/common';
import { intakePersonalData } from './privacy/intake-personal-data';
import { buildContextModule, ContextRuntime, PREFIX_ERROR_FILTERS } from '@fengqiao/platform';
import { AcceptCaseController } from './accept-case/accept-case.http.controller';
import { IntakeCases } from './application/intake-cases';
import { CASE_VIEW } from './case-view/case-view';
import { CASE_VIEW_INDEXES } from './case-view/case-view.store';
import { DeclineCaseController } from './decline-case/decline-case.http.controller';
import { DuplicatesController } from './duplicates/duplicates.http.controller';
import { DuplicatesHandler } from './duplicates/duplicates.handler';
import { FileCaseController } from './file-case/file-case.http.controller';
import { FileCaseHandler } from './file-case/file-case.handler';
import { GetCaseController } from './get-case/get-case.http.controller';
import { GetCaseHandler } from './get-case/get-case.handler';
import { INTAKE_CONTEXT, IntakeModuleOptions, resolveIntakeOptions } from './intake.options';
import { ListCasesController } from './list-cases/list-cases.http.controller';
import { ListCasesHandler } from './list-cases/list-cases.handler';
import { MergeDuplicateController } from './merge-duplicate/merge-duplicate.http.controller';
import { caseStatusConsumer } from './on-grid-dispatch-event/on-grid-dispatch-event.consumer';
import { ListCategoriesController } from './list-categories/list-categories.http.controller';
import { Open311Controller } from './open311/open311.http.controller';
import { Open311Handler } from './open311/open311.handler';
import { Open311ExceptionFilter } from './open311/open311.exception-filter';
import { publish } from './publish/intake.publish';
import { ReportCaseController } from './report-case/report-case.http.controller';
import { ReportCaseHandler } from './report-case/report-case.handler';
import { intakeAudit } from './audit/grid-case-report.audit';

/**
 * The intake context (DESIGN §5.1, 受理): reports from grid workers, the hotline, walk-ins, the web
 * and video patrols; acceptance, refusal, filing and merging of duplicates by the governance
 * centres; the unlocated queue; and the public Open311 GeoReport v2 interface. Hosted by
 * services/intake (distributed) and services/standalone. Publishes `intake.case.events.v1`;
 * consumes `grid-dispatch.case.events.v1` to show a filed case's progress (Open311 status).
 */
@Module({})
export class IntakeModule {
  /** Without options: the demo district's reference data and Open311 keys from the environment. */
  static register(options: IntakeModuleOptions = {}): DynamicModule {
    // resolved once: the provider and the relay's mapper (category names) share it
    let context: ReturnType<typeof resolveIntakeOptions> | undefined;
    const resolved = () => (context ??= resolveIntakeOptions(options));
    return buildContextModule(IntakeModule, {
      name: 'intake',
      audit: intakeAudit,
      controllers: [
        ReportCaseController,
        ListCasesController,
        GetCaseController,
        AcceptCaseController,
        DeclineCaseController,
        FileCaseController,
        MergeDuplicateController,
        DuplicatesController,
        Open311Controller,
        ListCategoriesController,
      ],
      providers: [
        { provide: INTAKE_CONTEXT, useFactory: resolved },
        IntakeCases,
        ReportCaseHandler,
        FileCaseHandler,
        GetCaseHandler,
        ListCasesHandler,
        DuplicatesHandler,
        Open311Handler,
        // errors raised before routing (body parser) on /open311/ in the Open311 shape too
        { provide: PREFIX_ERROR_FILTERS, useValue: [{ prefix: '/open311/', filter: new Open311ExceptionFilter() }] },
      ],
      runtime: {
        publish: async (stored) => {
          const { reference } = await resolved();
          return publish(stored, (code) => reference.category(code)?.name);
        },
        consumers: [caseStatusConsumer],
        personalData: { policy: intakePersonalData },
        onReady: async (runtime: ContextRuntime) => {
          await runtime.infra.readStore.ensureIndexes(CASE_VIEW, CASE_VIEW_INDEXES);
        },
      },
    });
  }
}

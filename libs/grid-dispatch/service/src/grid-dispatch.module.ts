import { DynamicModule, Module } from '@nestjs/common';
import { IntakeCaseReportedV1, topics } from '@fengqiao/contracts';
import { demoDistrict } from '@fengqiao/demo';
import { buildContextModule, freeTextPersonalData } from '@fengqiao/platform';
import { AcceptDispatchController } from './accept-dispatch/accept-dispatch.http.controller';
import { AnswerSupervisionController } from './answer-supervision/answer-supervision.http.controller';
import { GridCases } from './application/grid-cases';
import { GridDispatchStartup } from './application/grid-dispatch.startup';
import { CONTEXT_NAME, GRID_DISPATCH_OPTIONS } from './application/grid-dispatch.tokens';
import { ArchiveCaseController } from './archive-case/archive-case.http.controller';
import { CloseCaseController } from './close-case/close-case.http.controller';
import { GridDispatchOptions, ReferenceDataSeed, resolveGridDispatchOptions } from './config/grid-dispatch.options';
import { GridDispatchDirectory } from './directory/grid-dispatch-directory';
import { DispatchCaseController } from './dispatch-case/dispatch-case.http.controller';
import { DispatchCaseHandler } from './dispatch-case/dispatch-case.handler';
import { EscalateCaseController } from './escalate-case/escalate-case.http.controller';
import { MergeDuplicateController } from './merge-duplicate/merge-duplicate.http.controller';
import { MergeDuplicateHandler } from './merge-duplicate/merge-duplicate.handler';
import { NoteProgressController } from './note-progress/note-progress.http.controller';
import { ObjectToDispatchController } from './object-to-dispatch/object-to-dispatch.http.controller';
import { WorkOrderPublisher } from './publishing/publish.mapper';
import { GridDispatchViews } from './read-models/grid-dispatch.views';
import { CASE_INFO_PURPOSE, onIntakeReport } from './read-models/intake-report.projection';
import { ReadModelsController } from './read-models/read-models.http.controller';
import { RecordCallbackController } from './record-callback/record-callback.http.controller';
import { ReferCaseController } from './refer-case/refer-case.http.controller';
import { DeadlineRulesController, RoutingRulesController } from './reference-data/reference-data.http.controller';
import { ReferenceTables } from './reference-data/reference-tables';
import { ReopenCaseController } from './reopen-case/reopen-case.http.controller';
import { RequestExtensionController } from './request-extension/request-extension.http.controller';
import { ResumeCaseController } from './resume-case/resume-case.http.controller';
import { RuleOnExtensionController } from './rule-on-extension/rule-on-extension.http.controller';
import { RuleOnExtensionHandler } from './rule-on-extension/rule-on-extension.handler';
import { RuleOnObjectionController } from './rule-on-objection/rule-on-objection.http.controller';
import { RuleOnObjectionHandler } from './rule-on-objection/rule-on-objection.handler';
import { SubmitFeedbackController } from './submit-feedback/submit-feedback.http.controller';
import { SuperviseCaseController } from './supervise-case/supervise-case.http.controller';
import { SuperviseCaseHandler } from './supervise-case/supervise-case.handler';
import { SuspendCaseController } from './suspend-case/suspend-case.http.controller';
import { VerifyCaseController } from './verify-case/verify-case.http.controller';
import { OnCaseFiledConsumer } from './work-orders/on-case-filed.consumer';
import { OnCalendarNoticeConsumer } from './calendar/work-order-revision';
import { GridCaseMediationController } from './on-mediation-outcome/grid-case-mediation.http.controller';
import { OnMediationOutcomeConsumer } from './on-mediation-outcome/on-mediation-outcome.consumer';
import { gridDispatchAudit } from './audit/grid-case.audit';
import { AttachmentsController } from './attachments/attachments.http.controller';

/** The reference data an empty store starts with when none is configured: the demo district's tables. */
export const DEMO_REFERENCE_DATA: ReferenceDataSeed = { routingRules: demoDistrict.routing, deadlineRules: demoDistrict.deadlineRules };

/** One controller per work-order command (one folder per use case). */
const COMMAND_CONTROLLERS = [
  DispatchCaseController,
  AcceptDispatchController,
  ObjectToDispatchController,
  RuleOnObjectionController,
  NoteProgressController,
  RequestExtensionController,
  RuleOnExtensionController,
  SuspendCaseController,
  ResumeCaseController,
  SubmitFeedbackController,
  VerifyCaseController,
  CloseCaseController,
  RecordCallbackController,
  ArchiveCaseController,
  ReopenCaseController,
  MergeDuplicateController,
  ReferCaseController,
  SuperviseCaseController,
  AnswerSupervisionController,
  EscalateCaseController,
];

/**
 * The grid-dispatch context: hosted by services/grid-dispatch (distributed) and
 * services/standalone. `register()` reads its settings from the environment (see
 * GridDispatchOptions); tests pass a clock, intervals, a seed or a directory. Every part is an
 * ordinary Nest provider: the case runner (`GridCases`), the rule tables, the views, the intake
 * consumer and the start-up (`GridDispatchStartup`: seed, views, scheduler).
 */
@Module({})
export class GridDispatchModule {
  static register(options: GridDispatchOptions = {}): DynamicModule {
    const publisher = new WorkOrderPublisher();
    return buildContextModule(GridDispatchModule, {
      name: CONTEXT_NAME,
      audit: gridDispatchAudit,
      controllers: [
        ...COMMAND_CONTROLLERS,
        ReadModelsController,
        RoutingRulesController,
        DeadlineRulesController,
        GridCaseMediationController,
        AttachmentsController,
      ],
      providers: [
        { provide: GRID_DISPATCH_OPTIONS, useFactory: () => resolveGridDispatchOptions(options, process.env, DEMO_REFERENCE_DATA) },
        GridDispatchDirectory,
        ReferenceTables,
        GridDispatchViews,
        GridCases,
        GridDispatchStartup,
        OnCaseFiledConsumer,
        OnCalendarNoticeConsumer,
        OnMediationOutcomeConsumer,
        DispatchCaseHandler,
        RuleOnObjectionHandler,
        RuleOnExtensionHandler,
        MergeDuplicateHandler,
        SuperviseCaseHandler,
      ],
      runtime: {
        publish: (stored, context) => publisher.publish(stored, context),
        // phone and ID numbers in a work order's free text belong with the case's reporter (intake's subject)
        personalData: { policy: freeTextPersonalData((e) => (typeof e.data['caseId'] === 'string' ? `reporter-${e.data['caseId']}` : `text-${e.streamId}`)) },
        lifecycle: [GridDispatchStartup],
        consumers: [
          OnCaseFiledConsumer,
          OnCalendarNoticeConsumer,
          OnMediationOutcomeConsumer,
          {
            purpose: CASE_INFO_PURPOSE,
            topics: [topics.intakeCase],
            handles: (type: string) => type === IntakeCaseReportedV1.type,
            idempotent: true,
            handle: (event, runtime) => onIntakeReport(event, runtime.infra.readStore).then(() => undefined),
          },
        ],
      },
    });
  }
}

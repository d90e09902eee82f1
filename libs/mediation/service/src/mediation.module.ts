import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule, ContextRuntime, freeTextPersonalData } from '@fengqiao/platform';
import { AddDossierItemController } from './add-dossier-item/add-dossier-item.http.controller';
import { MediationCases } from './application/mediation-cases';
import { MEDIATION_LINK, MediationLink } from './application/mediation-link';
import { ArchiveCaseController } from './archive-case/archive-case.http.controller';
import { AssignMediatorController } from './assign-mediator/assign-mediator.http.controller';
import { MEDIATION_CASE_VIEW, MEDIATION_CASE_VIEW_INDEXES } from './case-view/mediation-case.view';
import { DeclineMediationController } from './decline-mediation/decline-mediation.http.controller';
import { DocumentsController } from './documents/documents.http.controller';
import { DossierController } from './dossier/dossier.http.controller';
import { ExtendMediationController } from './extend-mediation/extend-mediation.http.controller';
import { FiguresController } from './figures/figures.http.controller';
import { FileJudicialConfirmationController } from './file-judicial-confirmation/file-judicial-confirmation.http.controller';
import { GetCaseController } from './get-case/get-case.http.controller';
import { ListCasesController } from './list-cases/list-cases.http.controller';
import { MEDIATION_OPTIONS, MediationModuleOptions, resolveMediationOptions } from './mediation.options';
import { NotifyRightsController } from './notify-rights/notify-rights.http.controller';
import { gridReferralConsumer } from './on-grid-case-referred/on-grid-case-referred.consumer';
import { mediationCalendarConsumer } from './calendar/mediation-deadline-revision';
import { publishMediationEvent } from './publish/mediation.publish';
import { ReachAgreementController } from './reach-agreement/reach-agreement.http.controller';
import { RecordConsentController } from './record-consent/record-consent.http.controller';
import { RecordFollowUpVisitController } from './record-follow-up-visit/record-follow-up-visit.http.controller';
import { RecordJudicialConfirmationDecisionController } from './record-judicial-confirmation-decision/record-judicial-confirmation-decision.http.controller';
import { RecordPartyDetailsController } from './record-party-details/record-party-details.http.controller';
import { RecordPerformanceController } from './record-performance/record-performance.http.controller';
import { RecordSessionController } from './record-session/record-session.http.controller';
import { RecuseMediatorController } from './recuse-mediator/recuse-mediator.http.controller';
import { RegisterDisputeController } from './register-dispute/register-dispute.http.controller';
import { ReportPerformanceFailureController } from './report-performance-failure/report-performance-failure.http.controller';
import { ReportRiskController } from './report-risk/report-risk.http.controller';
import { RequestConsentController } from './request-consent/request-consent.http.controller';
import { ResumeMediationController } from './resume-mediation/resume-mediation.http.controller';
import { SignAgreementController } from './sign-agreement/sign-agreement.http.controller';
import { TerminateMediationController } from './terminate-mediation/terminate-mediation.http.controller';
import { mediationAudit } from './audit/mediation-case.audit';
import { TransferCaseController } from './transfer-case/transfer-case.http.controller';

/**
 * The mediation context (DESIGN §2 journey 2, §5.2, 人民调解法 2010): people's mediation committees
 * register disputes (application, own initiative, entrustment, or a grid case referred over the
 * bus), take the parties' consent, assign mediators, record sessions, agreements, performance,
 * judicial confirmation and follow-up visits, refer hard cases up and archive complete dossiers.
 * Hosted by services/mediation (distributed) and services/standalone. Publishes
 * `mediation.case.events.v1`; consumes `grid-dispatch.case.events.v1` (referrals).
 */
@Module({})
export class MediationModule {
  static register(options: MediationModuleOptions = {}): DynamicModule {
    const link = new MediationLink();
    return buildContextModule(MediationModule, {
      name: 'mediation',
      audit: mediationAudit,
      controllers: [
        RegisterDisputeController,
        RecordPartyDetailsController,
        ListCasesController,
        GetCaseController,
        DossierController,
        DocumentsController,
        FiguresController,
        RequestConsentController,
        RecordConsentController,
        DeclineMediationController,
        NotifyRightsController,
        AddDossierItemController,
        AssignMediatorController,
        RecuseMediatorController,
        RecordSessionController,
        ReportRiskController,
        ExtendMediationController,
        ReachAgreementController,
        SignAgreementController,
        TerminateMediationController,
        RecordPerformanceController,
        ReportPerformanceFailureController,
        FileJudicialConfirmationController,
        RecordJudicialConfirmationDecisionController,
        ResumeMediationController,
        RecordFollowUpVisitController,
        TransferCaseController,
        ArchiveCaseController,
      ],
      providers: [
        { provide: MEDIATION_OPTIONS, useFactory: () => resolveMediationOptions(options) },
        { provide: MEDIATION_LINK, useValue: link },
        MediationCases,
      ],
      runtime: {
        publish: publishMediationEvent,
        consumers: [gridReferralConsumer(() => link.require()), mediationCalendarConsumer(() => link.require())],
        // parties are sealed by PartyRecords; phone and ID numbers in free text for the case's text subject
        personalData: { keysAttachedByContext: true, policy: freeTextPersonalData((e) => `text-${e.streamId}`) },
        onReady: async (runtime: ContextRuntime) => {
          await runtime.infra.readStore.ensureIndexes(MEDIATION_CASE_VIEW, MEDIATION_CASE_VIEW_INDEXES);
        },
      },
    });
  }
}

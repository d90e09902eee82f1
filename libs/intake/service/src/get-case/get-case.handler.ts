import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { NotFoundError } from '@fengqiao/kernel';
import { Action, assertInJurisdiction } from '@fengqiao/platform';
import { CaseView, IntakeStatus } from '../case-view/case-view';
import { withoutMeta } from '../case-view/case-view.store';
import { CaseResponse, isFullView, toCaseResponse } from '../application/case.response';
import { IntakeCases } from '../application/intake-cases';

/**
 * One case from the intake view, if it lies in the caller's jurisdiction. A case this replica has
 * not projected yet (appended by another one a moment ago) is picked up by one catch-up pass first.
 */
@Injectable()
export class GetCaseHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  async view(caseId: string, principal: Principal, action: Action = 'case.read'): Promise<CaseView & { status: IntakeStatus }> {
    let doc = await this.cases.view(caseId);
    if (!isFullView(doc)) {
      await this.cases.projector.catchUp();
      doc = await this.cases.view(caseId);
    }
    if (!isFullView(doc)) throw new NotFoundError('INTAKE.CASE_NOT_FOUND', `事件 ${caseId} 不存在`, { caseId });
    assertInJurisdiction(principal, doc.jurisdiction, action, { type: 'case', id: caseId });
    return withoutMeta(doc) as CaseView & { status: IntakeStatus };
  }

  async handle(caseId: string, principal: Principal): Promise<CaseResponse> {
    return toCaseResponse(await this.view(caseId, principal), this.cases.reference);
  }
}

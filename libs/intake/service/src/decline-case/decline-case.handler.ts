import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { DeclineCase, DeclineReason } from '@fengqiao/intake-domain';
import { loadDuplicateTarget } from '../application/case-target';
import { CaseCommandResult, IntakeCases } from '../application/intake-cases';

export interface DeclineInput {
  declineReason: DeclineReason;
  reason: string;
  legalRoute?: string;
  duplicateOf?: string;
}

/**
 * 不予受理 (接诉即办 §11): answered at once, told the legal route, or a repeat of an earlier case
 * (which must exist in the operator's jurisdiction). What the reporter was told is required.
 */
@Injectable()
export class DeclineCaseHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  async handle(caseId: string, principal: Principal, input: DeclineInput, expectedRevision: number | undefined, correlationId?: string): Promise<CaseCommandResult> {
    await this.cases.loadFor(principal, caseId, 'case.accept_report');
    if (input.duplicateOf !== undefined) await loadDuplicateTarget(this.cases, principal, caseId, input.duplicateOf, 'case.accept_report');
    const command: DeclineCase = {
      type: 'DeclineCase',
      data: {
        caseId,
        declineReason: input.declineReason,
        ...(input.duplicateOf !== undefined ? { duplicateOf: input.duplicateOf } : {}),
        ...(input.legalRoute !== undefined ? { legalRoute: input.legalRoute.trim() } : {}),
      },
      meta: this.cases.meta(this.cases.actorOf(principal, 'case.accept_report'), correlationId, input.reason),
    };
    return this.cases.run(command, expectedRevision);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { DeclineReason } from '@fengqiao/intake-domain';
import { CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { loadDuplicateTarget } from '../application/case-target';
import { IntakeCases } from '../application/intake-cases';

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

  handle(caseId: string, input: DeclineInput, request: CommandRequest): Promise<CaseCommandResult> {
    const { duplicateOf, legalRoute } = input;
    return this.cases.run({
      ...request,
      caseId,
      reason: input.reason,
      authorize: async () => {
        if (duplicateOf !== undefined) await loadDuplicateTarget(this.cases, request.principal, caseId, duplicateOf, request.action);
      },
      command: (_, meta) => ({
        type: 'DeclineCase',
        data: {
          caseId,
          declineReason: input.declineReason,
          ...(duplicateOf !== undefined ? { duplicateOf } : {}),
          ...(legalRoute !== undefined ? { legalRoute: legalRoute.trim() } : {}),
        },
        meta,
      }),
    });
  }
}

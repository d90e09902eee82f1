import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { loadDuplicateTarget } from '../application/case-target';
import { IntakeCases } from '../application/intake-cases';
import { IntakeCommands } from '../application/intake-commands';
import { DeclineCaseRequest } from './decline-case.request.dto';

/**
 * 不予受理 (接诉即办 §11): answered at once, told the legal route, or a repeat of an earlier case
 * (which must exist in the operator's jurisdiction: `loadDuplicateTarget`, shared with the merge).
 * What the reporter was told is required.
 */
@IntakeCommands()
export class DeclineCaseController {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  @CaseCommandRoute(':id/decline', 'case.accept_report', {
    summary: '不予受理',
    description: '综治中心在管辖范围内对已上报的事件不予受理：即时答复、告知法定途径或重复反映（须写明原事件）。答复内容必填。',
  })
  async decline(@Param('id') caseId: string, @Body() body: DeclineCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    const { declineReason, duplicateOf, legalRoute, reason } = body;
    const authorize = async () => {
      if (duplicateOf !== undefined) await loadDuplicateTarget(this.cases, request.principal, caseId, duplicateOf, request.action);
    };
    const data = {
      caseId,
      declineReason,
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
      ...(legalRoute !== undefined ? { legalRoute: legalRoute.trim() } : {}),
    };
    return this.cases.run({ ...request, caseId, reason, authorize, command: (_, meta) => ({ type: 'DeclineCase', data, meta }) });
  }
}

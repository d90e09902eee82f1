import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { IntakeCases } from '../application/intake-cases';
import { IntakeCommands } from '../application/intake-commands';
import { AcceptCaseRequest } from './accept-case.request.dto';

/** 受理: an operator of the case's jurisdiction accepts a reported case. */
@IntakeCommands()
export class AcceptCaseController {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  @CaseCommandRoute(':id/accept', 'case.accept_report', { summary: '受理', description: '综治中心在管辖范围内受理已上报的事件。' })
  accept(@Param('id') caseId: string, @Body() body: AcceptCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'AcceptCase', data: { caseId }, meta }) });
  }
}

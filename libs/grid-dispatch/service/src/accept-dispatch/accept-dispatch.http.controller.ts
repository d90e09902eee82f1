import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { AcceptDispatchRequest } from './accept-dispatch.request.dto';

/** 签收: the assigned unit accepts the dispatch. Who may: the role table (`case.accept`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class AcceptDispatchController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/accept', 'case.accept', { summary: '签收' })
  accept(@Param('caseId') caseId: string, @Body() body: AcceptDispatchRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'AcceptDispatch', data: { caseId }, meta }) });
  }
}

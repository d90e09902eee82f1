import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { ReopenCaseRequest } from './reopen-case.request.dto';

/** 重新打开: a closed case waits for dispatch again. Who may: the role table (`case.reopen`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class ReopenCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/reopen', 'case.reopen', { summary: '重新打开（须说明理由），重新派单' })
  reopen(@Param('caseId') caseId: string, @Body() body: ReopenCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'ReopenCase', data: { caseId }, meta }) });
  }
}

import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { SuspendCaseRequest } from './suspend-case.request.dto';

/** 挂账: the centre suspends handling; the clock stops. Who may: the role table (`case.suspend`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class SuspendCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/suspend', 'case.suspend', { summary: '挂账（办理时限停止计算）' })
  suspend(@Param('caseId') caseId: string, @Body() body: SuspendCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'SuspendCase', data: { caseId }, meta }) });
  }
}

import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { CloseCaseRequest } from './close-case.request.dto';

/** 结案: the centre closes a verified case. Who may: the role table (`case.close`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class CloseCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/close', 'case.close', { summary: '结案' })
  close(@Param('caseId') caseId: string, @Body() body: CloseCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({ type: 'CloseCase', data: { caseId, summary: body.summary }, meta }),
    });
  }
}

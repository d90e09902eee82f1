import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { ResumeCaseRequest } from './resume-case.request.dto';

/** 恢复办理: a suspended case goes on with a fresh handling deadline. Who may: the role table (`case.suspend`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class ResumeCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/resume', 'case.suspend', { summary: '恢复办理（重新计算办理时限）' })
  resume(@Param('caseId') caseId: string, @Body() body: ResumeCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'ResumeCase', data: { caseId }, meta }) });
  }
}

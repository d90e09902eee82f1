import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { VerifyCaseRequest } from './verify-case.request.dto';

/** 核查: the centre checks on site; a failure orders rework. Who may: the role table (`case.verify`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class VerifyCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/verify', 'case.verify', { summary: '核查：通过，或不通过返工' })
  verify(@Param('caseId') caseId: string, @Body() body: VerifyCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({ type: 'VerifyCase', data: { caseId, passed: body.result === 'pass', findings: body.findings }, meta }),
    });
  }
}

import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { ReferCaseRequest } from './refer-case.request.dto';

/** 移交: the centre refers the case to mediation or petitions. Who may: the role table (`case.refer`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class ReferCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/refer', 'case.refer', { summary: '转人民调解或转信访（须说明理由）' })
  refer(@Param('caseId') caseId: string, @Body() body: ReferCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({ type: 'ReferCase', data: { caseId, target: body.target }, meta }),
    });
  }
}

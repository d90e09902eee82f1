import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { EscalateCaseRequest } from './escalate-case.request.dto';

/** 提级: the centre raises the level (village → town → district). Who may: the role table (`case.escalate`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class EscalateCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/escalate', 'case.escalate', { summary: '提级办理（村居 → 街镇 → 区，须说明理由）' })
  escalate(@Param('caseId') caseId: string, @Body() body: EscalateCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'EscalateCase', data: { caseId }, meta }) });
  }
}

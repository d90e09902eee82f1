import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { ObjectToDispatchRequest } from './object-to-dispatch.request.dto';

/** 退单: the assigned unit objects that the case is not theirs. Who may: the role table (`case.object`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class ObjectToDispatchController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/object', 'case.object', { summary: '退单（须说明理由）' })
  object(@Param('caseId') caseId: string, @Body() body: ObjectToDispatchRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'ObjectToDispatch', data: { caseId }, meta }) });
  }
}

import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { SuperviseCaseHandler } from './supervise-case.handler';
import { SuperviseCaseRequest } from './supervise-case.request.dto';

@GridCaseCommands()
export class SuperviseCaseController {
  constructor(@Inject(SuperviseCaseHandler) private readonly handler: SuperviseCaseHandler) {}

  @CaseCommandRoute(':caseId/supervise', 'case.supervise', { summary: '督办（以本级综治中心的名义）' })
  supervise(@Param('caseId') caseId: string, @Body() body: SuperviseCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}

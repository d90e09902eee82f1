import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { DispatchCaseHandler } from './dispatch-case.handler';
import { DispatchCaseRequest } from './dispatch-case.request.dto';

@GridCaseCommands()
export class DispatchCaseController {
  constructor(@Inject(DispatchCaseHandler) private readonly handler: DispatchCaseHandler) {}

  @CaseCommandRoute(':caseId/dispatch', 'case.dispatch', { summary: '派单（人工派单，含无法自动派单的事件）' })
  dispatch(@Param('caseId') caseId: string, @Body() body: DispatchCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}

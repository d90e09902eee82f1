import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { IntakeCommands } from '../application/intake-commands';
import { DeclineCaseHandler } from './decline-case.handler';
import { DeclineCaseRequest } from './decline-case.request.dto';

@IntakeCommands()
export class DeclineCaseController {
  constructor(@Inject(DeclineCaseHandler) private readonly handler: DeclineCaseHandler) {}

  @CaseCommandRoute(':id/decline', 'case.accept_report', {
    summary: '不予受理',
    description: '综治中心在管辖范围内对已上报的事件不予受理：即时答复、告知法定途径或重复反映（须写明原事件）。答复内容必填。',
  })
  decline(@Param('id') caseId: string, @Body() body: DeclineCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}

import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { IntakeCommands } from '../application/intake-commands';
import { FileCaseHandler } from './file-case.handler';
import { FileCaseRequest } from './file-case.request.dto';

@IntakeCommands()
export class FileCaseController {
  constructor(@Inject(FileCaseHandler) private readonly handler: FileCaseHandler) {}

  @CaseCommandRoute(':id/file', 'case.file', {
    summary: '立案',
    description: '综治中心在管辖范围内立案（未受理的同时受理），可更正类别、紧急程度和网格；“待定位”的事件在此指定网格。立案后事件转入派单环节。',
  })
  file(@Param('id') caseId: string, @Body() body: FileCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}

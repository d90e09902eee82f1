import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { MergeDuplicateHandler } from './merge-duplicate.handler';
import { MergeDuplicateRequest } from './merge-duplicate.request.dto';

@GridCaseCommands()
export class MergeDuplicateController {
  constructor(@Inject(MergeDuplicateHandler) private readonly handler: MergeDuplicateHandler) {}

  @CaseCommandRoute(':caseId/merge', 'case.merge', { summary: '合并为重复事件', description: '两个工单都须在操作人的管辖范围内；不能合并到已合并的工单。' })
  merge(@Param('caseId') caseId: string, @Body() body: MergeDuplicateRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}

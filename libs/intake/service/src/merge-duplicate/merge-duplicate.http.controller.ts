import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { IntakeCommands } from '../application/intake-commands';
import { MergeDuplicateHandler } from './merge-duplicate.handler';
import { MergeDuplicateRequest } from './merge-duplicate.request.dto';

@IntakeCommands()
export class MergeDuplicateController {
  constructor(@Inject(MergeDuplicateHandler) private readonly handler: MergeDuplicateHandler) {}

  @CaseCommandRoute(':id/merge', 'case.merge', { summary: '合并重复事件', description: '把尚未立案的事件合并到较早的原事件；两者都须在操作人的管辖范围内。' })
  merge(@Param('id') caseId: string, @Body() body: MergeDuplicateRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}

import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { loadDuplicateTarget } from '../application/case-target';
import { IntakeCases } from '../application/intake-cases';
import { IntakeCommands } from '../application/intake-commands';
import { MergeDuplicateRequest } from './merge-duplicate.request.dto';

/**
 * 合并重复事件: a report not yet filed goes into an earlier case. Both must lie in the operator's
 * jurisdiction; the earlier case must exist and must not itself be merged away or declined (the
 * checks of `loadDuplicateTarget`, shared with a repeat's decline).
 */
@IntakeCommands()
export class MergeDuplicateController {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  @CaseCommandRoute(':id/merge', 'case.merge', { summary: '合并重复事件', description: '把尚未立案的事件合并到较早的原事件；两者都须在操作人的管辖范围内。' })
  async merge(@Param('id') caseId: string, @Body() body: MergeDuplicateRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    const { duplicateOf, reason } = body;
    const authorize = () => loadDuplicateTarget(this.cases, request.principal, caseId, duplicateOf, request.action).then(() => undefined);
    return this.cases.run({ ...request, caseId, reason, authorize, command: (_, meta) => ({ type: 'MergeAsDuplicate', data: { caseId, duplicateOf }, meta }) });
  }
}

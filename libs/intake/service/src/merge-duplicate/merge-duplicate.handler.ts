import { Inject, Injectable } from '@nestjs/common';
import { CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { loadDuplicateTarget } from '../application/case-target';
import { IntakeCases } from '../application/intake-cases';

/**
 * 合并重复事件: a report not yet filed goes into an earlier case. Both must lie in the operator's
 * jurisdiction; the earlier case must exist and must not itself be merged away or declined.
 */
@Injectable()
export class MergeDuplicateHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  handle(caseId: string, input: { duplicateOf: string; reason?: string }, request: CommandRequest): Promise<CaseCommandResult> {
    const { duplicateOf } = input;
    return this.cases.run({
      ...request,
      caseId,
      reason: input.reason,
      authorize: async () => {
        await loadDuplicateTarget(this.cases, request.principal, caseId, duplicateOf, request.action);
      },
      command: (_, meta) => ({ type: 'MergeAsDuplicate', data: { caseId, duplicateOf }, meta }),
    });
  }
}

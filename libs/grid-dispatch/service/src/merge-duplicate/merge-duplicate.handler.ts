import { Inject, Injectable } from '@nestjs/common';
import { IllegalStateError } from '@fengqiao/kernel';
import { CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { GridCases } from '../application/grid-cases';
import { MergeDuplicateRequest } from './merge-duplicate.request.dto';

/**
 * 合并为重复事件: the case goes into an earlier work order, which must exist and lie in the
 * operator's jurisdiction (an unknown target and one outside it give the same 404
 * `GRID_DISPATCH.TARGET_NOT_FOUND`), and must not itself be merged away (409: merge into the case
 * it went into instead).
 */
@Injectable()
export class MergeDuplicateHandler {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  handle(caseId: string, body: MergeDuplicateRequest, request: CommandRequest): Promise<CaseCommandResult> {
    const { duplicateOf } = body;
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      authorize: async () => {
        if (duplicateOf === caseId) return; // the decider refuses it with its own code
        const target = await this.cases.loadOther(request.principal, duplicateOf, request.action);
        if (target.state.status === 'merged_duplicate') {
          throw new IllegalStateError('GRID_DISPATCH.TARGET_MERGED', `工单 ${duplicateOf} 本身已合并到 ${target.state.duplicateOf}，请合并到该工单`, {
            duplicateOf,
            mergedInto: target.state.duplicateOf,
          });
        }
      },
      command: (_, meta) => ({ type: 'MergeAsDuplicate', data: { caseId, duplicateOf }, meta }),
    });
  }
}

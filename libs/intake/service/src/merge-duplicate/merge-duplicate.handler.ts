import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { MergeAsDuplicate } from '@fengqiao/intake-domain';
import { loadDuplicateTarget } from '../application/case-target';
import { CaseCommandResult, IntakeCases } from '../application/intake-cases';

/**
 * 合并重复事件: a report not yet filed goes into an earlier case. Both must lie in the operator's
 * jurisdiction; the earlier case must exist and must not itself be merged away or declined.
 */
@Injectable()
export class MergeDuplicateHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  async handle(caseId: string, principal: Principal, input: { duplicateOf: string; reason?: string }, expectedRevision: number | undefined, correlationId?: string): Promise<CaseCommandResult> {
    await this.cases.loadFor(principal, caseId, 'case.merge');
    await loadDuplicateTarget(this.cases, principal, caseId, input.duplicateOf, 'case.merge');
    const command: MergeAsDuplicate = {
      type: 'MergeAsDuplicate',
      data: { caseId, duplicateOf: input.duplicateOf },
      meta: this.cases.meta(this.cases.actorOf(principal, 'case.merge'), correlationId, input.reason),
    };
    return this.cases.run(command, expectedRevision);
  }
}

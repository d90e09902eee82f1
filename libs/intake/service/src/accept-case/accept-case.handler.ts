import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { AcceptCase } from '@fengqiao/intake-domain';
import { CaseCommandResult, IntakeCases } from '../application/intake-cases';

/** 受理: an operator of the case's jurisdiction accepts a reported case. */
@Injectable()
export class AcceptCaseHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  async handle(caseId: string, principal: Principal, input: { reason?: string }, expectedRevision: number | undefined, correlationId?: string): Promise<CaseCommandResult> {
    await this.cases.loadFor(principal, caseId, 'case.accept_report');
    const command: AcceptCase = {
      type: 'AcceptCase',
      data: { caseId },
      meta: this.cases.meta(this.cases.actorOf(principal, 'case.accept_report'), correlationId, input.reason),
    };
    return this.cases.run(command, expectedRevision);
  }
}

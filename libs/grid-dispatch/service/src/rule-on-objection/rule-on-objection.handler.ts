import { Inject, Injectable } from '@nestjs/common';
import { CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { GridCases } from '../application/grid-cases';
import { assertKnownUnit } from '../directory/unit-directory';
import { DISPATCH_UNIT_KINDS } from '../reference-data/routing-rules';
import { RuleOnObjectionRequest } from './rule-on-objection.request.dto';

/** 裁定退单: upheld redispatches to a unit that must exist; rejected sends the case back. */
@Injectable()
export class RuleOnObjectionHandler {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  handle(caseId: string, body: RuleOnObjectionRequest, request: CommandRequest): Promise<CaseCommandResult> {
    const { decision, newUnitId } = body;
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      authorize: () => {
        if (decision === 'upheld' && newUnitId) assertKnownUnit(this.cases.directory.current(), newUnitId, 'newUnitId', DISPATCH_UNIT_KINDS);
      },
      command: (_, meta) => ({ type: 'RuleOnObjection', data: { caseId, decision, ...(newUnitId !== undefined ? { newUnitId } : {}) }, meta }),
    });
  }
}

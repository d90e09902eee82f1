import { Inject, Injectable } from '@nestjs/common';
import { CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { GridCases } from '../application/grid-cases';
import { assertKnownUnit } from '../directory/unit-directory';
import { DISPATCH_UNIT_KINDS } from '../reference-data/routing-rules';
import { DispatchCaseRequest } from './dispatch-case.request.dto';

/** 派单 by hand (a case routing could not place, or a reopened one): the unit must exist and be one a case can go to. */
@Injectable()
export class DispatchCaseHandler {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  handle(caseId: string, body: DispatchCaseRequest, request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      authorize: () => assertKnownUnit(this.cases.directory.current(), body.unitId, 'unitId', DISPATCH_UNIT_KINDS),
      command: (_, meta) => ({ type: 'DispatchCase', data: { caseId, unitId: body.unitId }, meta }),
    });
  }
}

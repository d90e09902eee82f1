import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { newId } from '@fengqiao/kernel';
import { CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { GridCases } from '../application/grid-cases';
import { SuperviseCaseRequest } from './supervise-case.request.dto';

/** The level of the centre an operator works at, from their unit (district / town / village). */
function centreLevelOf(principal: Principal, kind: string | undefined): 'district' | 'town' | 'village' {
  if (kind === 'district' || kind === 'town' || kind === 'village') return kind;
  return principal.unitPath.length <= 1 ? 'district' : principal.unitPath.length === 2 ? 'town' : 'village';
}

/** 督办 in the name of the operator's own centre; the opinion is recorded as the reason. */
@Injectable()
export class SuperviseCaseHandler {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  handle(caseId: string, body: SuperviseCaseRequest, request: CommandRequest): Promise<CaseCommandResult> {
    const { principal } = request;
    const level = centreLevelOf(principal, this.cases.directory.current()?.unit(principal.unitId)?.kind);
    return this.cases.run({
      ...request,
      caseId,
      reason: body.opinion,
      command: (_, meta) => ({ type: 'SuperviseCase', data: { caseId, supervisionId: newId(), level }, meta }),
    });
  }
}

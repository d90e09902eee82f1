import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { NotFoundError } from '@fengqiao/kernel';
import { assertInJurisdiction, ContextRuntime, CurrentPrincipal, RequireAction, runtimeToken } from '@fengqiao/platform';
import { CONTEXT_NAME } from '../application/grid-dispatch.tokens';
import { GRID_CASE_MEDIATION, GridCaseMediationView } from './on-mediation-outcome.consumer';

@ApiTags('grid-dispatch')
@ApiBearerAuth()
@Controller('grid-dispatch')
export class GridCaseMediationController {
  constructor(@Inject(runtimeToken(CONTEXT_NAME)) private readonly runtime: ContextRuntime) {}

  @Get('cases/:caseId/mediation')
  @RequireAction('case.read')
  @ApiOperation({ summary: '移交人民调解的结果', description: '移交调解的事件：调解案件、承办调解委员会、进展（调解中、已达成协议、已结束）和结果。' })
  async mediation(@Param('caseId') caseId: string, @CurrentPrincipal() p: Principal): Promise<GridCaseMediationView> {
    const doc = await this.runtime.infra.readStore.get<GridCaseMediationView>(GRID_CASE_MEDIATION, caseId);
    if (!doc) throw new NotFoundError('GRID_CASE.NOT_REFERRED_TO_MEDIATION', `事件 ${caseId} 没有移交人民调解`, { caseId });
    assertInJurisdiction(p, doc.jurisdiction, 'case.read', { type: 'case', id: caseId });
    return doc;
  }
}

import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { NotFoundError } from '@fengqiao/kernel';
import { assertInJurisdiction, ContextRuntime, CurrentPrincipal, RequireAction, runtimeToken } from '@fengqiao/platform';
import { CONTEXT_NAME } from '../application/grid-dispatch.tokens';
import { GRID_CASE_MEDIATION, GridCaseMediationView } from './on-mediation-outcome.consumer';

class GridCaseMediationResponse implements Omit<GridCaseMediationView, '_id'> {
  @ApiProperty() gridCaseId!: string;
  @ApiProperty() mediationCaseId!: string;
  @ApiProperty({ description: '承办调解委员会' }) committeeId!: string;
  @ApiProperty({ enum: ['mediating', 'settled', 'ended'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: '结果（结束后）' }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true }) outcomeLabel!: string | null;
  @ApiProperty({ type: [String], description: '已告知的其他解决途径' }) routesTold!: string[];
  @ApiProperty({ type: 'integer' }) riskReports!: number;
  @ApiProperty({ type: 'integer' }) transfers!: number;
  @ApiProperty() linkedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: [String], description: '事件的管辖路径' }) jurisdiction!: string[];
}

@ApiTags('grid-dispatch')
@ApiBearerAuth()
@Controller('grid-dispatch')
export class GridCaseMediationController {
  constructor(@Inject(runtimeToken(CONTEXT_NAME)) private readonly runtime: ContextRuntime) {}

  @Get('cases/:caseId/mediation')
  @RequireAction('case.read')
  @ApiOkResponse({ type: GridCaseMediationResponse })
  @ApiOperation({ summary: '移交人民调解的结果', description: '移交调解的事件：调解案件、承办调解委员会、进展（调解中、已达成协议、已结束）和结果。' })
  async mediation(@Param('caseId') caseId: string, @CurrentPrincipal() p: Principal): Promise<GridCaseMediationView> {
    const doc = await this.runtime.infra.readStore.get<GridCaseMediationView>(GRID_CASE_MEDIATION, caseId);
    if (!doc) throw new NotFoundError('GRID_CASE.NOT_REFERRED_TO_MEDIATION', `事件 ${caseId} 没有移交人民调解`, { caseId });
    assertInJurisdiction(p, doc.jurisdiction, 'case.read', { type: 'case', id: caseId });
    return doc;
  }
}

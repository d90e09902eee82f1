import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { dossierOf } from './dossier';
import { DossierResponse } from './dossier.response';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class DossierController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Get(':id/dossier')
  @RequireAction('mediation.read')
  @ApiOperation({ summary: '卷宗', description: '卷宗已有哪些材料、还缺哪些必备材料（缺材料不能归档）。' })
  @ApiOkResponse({ type: DossierResponse })
  async dossier(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<DossierResponse> {
    const view = await this.cases.viewFor(principal, id);
    if (view.state.status === 'none') return { caseId: id, lines: [], missing: [], complete: false };
    return { ...dossierOf(view.state), jurisdiction: view.jurisdiction };
  }
}

import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { AddDossierItemRequest } from './add-dossier-item.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class AddDossierItemController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/dossier-items')
  @HttpCode(200)
  @RequireAction('mediation.archive')
  @ApiOperation({ summary: '归入卷宗材料', description: '把一份材料归入卷宗（身份证明、调查记录、证据等）。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: AddDossierItemRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.archive',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return { type: 'AddDossierItem', data: { item: body.item, documentRef: body.documentRef }, meta };
      },
    });
  }
}

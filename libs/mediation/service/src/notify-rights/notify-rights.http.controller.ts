import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { documentUrl } from '../documents/document-links';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { NotifyRightsRequest } from './notify-rights.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class NotifyRightsController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/notify-rights')
  @HttpCode(200)
  @RequireAction('mediation.consent')
  @ApiOperation({ summary: '告知权利义务', description: '向当事人送达权利义务告知书（第二十三、二十四条）；默认引用本案可打印的告知书。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: NotifyRightsRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.consent',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return { type: 'NotifyRights', data: { partyIds: body.partyIds, documentRef: body.documentRef ?? documentUrl(loaded.caseId, 'rights-notice') }, meta };
      },
    });
  }
}

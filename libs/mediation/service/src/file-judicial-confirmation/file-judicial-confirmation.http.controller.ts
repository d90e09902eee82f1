import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { FileJudicialConfirmationRequest } from './file-judicial-confirmation.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class FileJudicialConfirmationController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/judicial-confirmation')
  @HttpCode(200)
  @RequireAction('mediation.confirmation')
  @ApiOperation({
    summary: '申请司法确认',
    description: '双方当事人自协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条，民事诉讼法第二百零五条）。',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: FileJudicialConfirmationRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.confirmation',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return {
          type: 'FileJudicialConfirmation',
          data: {
            courtId: body.courtId,
            filedAt: body.filedAt,
            applicantPartyIds: body.applicantPartyIds,
            ...(body.documentRef ? { documentRef: body.documentRef } : {}),
          },
          meta,
        };
      },
    });
  }
}

import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { RecordJudicialConfirmationDecisionRequest } from './record-judicial-confirmation-decision.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RecordJudicialConfirmationDecisionController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/judicial-confirmation/decision')
  @HttpCode(200)
  @RequireAction('mediation.confirmation')
  @ApiOperation({ summary: '记录司法确认结果', description: '人民法院裁定协议有效或驳回申请（民事诉讼法第二百零六条）。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: RecordJudicialConfirmationDecisionRequest,
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
        return { type: 'RecordJudicialConfirmationDecision', data: { confirmed: body.confirmed, decidedAt: body.decidedAt, rulingRef: body.rulingRef }, meta };
      },
    });
  }
}

import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { RecordConsentRequest } from './record-consent.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RecordConsentController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/consents')
  @HttpCode(200)
  @RequireAction('mediation.consent')
  @ApiOperation({ summary: '记录当事人意见', description: '记录一方当事人同意或拒绝调解；一方明确拒绝的，不得调解（第十七条）；各方均同意即受理。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: RecordConsentRequest,
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
        return {
          type: 'RecordConsent',
          data: { partyId: body.partyId, consented: body.consented, ...(body.statementRef ? { statementRef: body.statementRef } : {}) },
          meta,
        };
      },
    });
  }
}

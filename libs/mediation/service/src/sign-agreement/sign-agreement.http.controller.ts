import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { SignAgreementRequest } from './sign-agreement.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class SignAgreementController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/agreement/sign')
  @HttpCode(200)
  @RequireAction('mediation.agreement')
  @ApiOperation({
    summary: '签署调解协议',
    description: '书面协议经各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章后生效（第二十九条）；生效日起三十日内可申请司法确认。',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: SignAgreementRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.agreement',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return {
          type: 'SignAgreement',
          data: {
            signedByPartyIds: body.signedByPartyIds,
            mediatorSigned: body.mediatorSigned,
            committeeSealed: body.committeeSealed,
            ...(body.signedAt ? { signedAt: body.signedAt } : {}),
          },
          meta,
        };
      },
    });
  }
}

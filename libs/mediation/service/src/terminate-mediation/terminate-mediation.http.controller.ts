import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { TerminateMediationRequest } from './terminate-mediation.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class TerminateMediationController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/terminate')
  @HttpCode(200)
  @RequireAction('mediation.terminate')
  @ApiOperation({ summary: '终止调解', description: '调解不成的终止调解，并告知当事人可以依法通过仲裁、行政、司法等途径维护权利（第二十六条）。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: TerminateMediationRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.terminate',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return {
          type: 'TerminateMediation',
          data: {
            grounds: body.grounds,
            routesTold: body.routesTold,
            ...(body.noticeRef ? { noticeRef: body.noticeRef } : {}),
            ...(body.withdrawingPartyId ? { withdrawingPartyId: body.withdrawingPartyId } : {}),
          },
          meta,
        };
      },
    });
  }
}

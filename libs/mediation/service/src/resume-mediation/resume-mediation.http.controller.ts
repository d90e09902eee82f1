import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { ResumeMediationRequest } from './resume-mediation.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class ResumeMediationController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/resume')
  @HttpCode(200)
  @RequireAction('mediation.confirmation')
  @ApiOperation({ summary: '重新调解', description: '法院驳回司法确认申请后，当事人可以通过调解方式变更原协议或达成新协议。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: ResumeMediationRequest,
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
        return { type: 'ResumeMediation', data: {}, meta };
      },
    });
  }
}
